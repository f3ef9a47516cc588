package logspan

// Key/value pairs of the enumerate specs, "json:*N" and "logfmt:*N" ("*"
// alone is N = 64). Their fields are key0 value0 key1 value1 ... : every
// pair of the line in order, duplicates included, and absent slots after
// the line's last pair. A line with more than N pairs is ErrTooManyFields,
// never cut short.
//
// What a value holds:
//   - json:* : the value's raw text, typed in Flags (JSONType); a string
//     without its quotes, Escaped when it holds escapes, as is the key;
//   - logfmt:* : the value's text (without quotes when quoted, Escaped
//     when it holds escapes). A bare key ("debug" in "msg=hi debug") has
//     a present, empty value flagged FlagBareKey; "k=" and `k=""` have an
//     empty value without the flag.
//
// Pairs are read in place: nothing here calls C or allocates.

// pairLayout reports whether the fields are key0 value0 key1 value1 ...,
// as the enumerate specs name them.
func pairLayout(names []string) bool {
	return len(names) >= 2 && len(names)%2 == 0 && names[0] == "key0" && names[1] == "value0"
}

// NumPairs is the number of key/value pairs in the line when its Parser
// comes from an enumerate spec (json:*, logfmt:*); 0 for a line that
// failed and for a Parser of any other spec.
func (l Line) NumPairs() int {
	if !pairLayout(l.b.p.names) {
		return 0
	}
	return l.NumPresent() / 2
}

// Pair is pair k of the line, 0 <= k < NumPairs(): the key's and the
// value's bytes, sub-slices of the parsed buffer. ok is false, with nil
// key and value, past the last pair, for a line that failed, and for a
// Parser that is not from an enumerate spec.
func (l Line) Pair(k int) (key, value []byte, ok bool) {
	if !pairLayout(l.b.p.names) || uint(k) >= uint(l.b.nf/2) {
		return nil, nil, false
	}
	key = l.Field(2 * k)
	if key == nil {
		return nil, nil, false
	}
	return key, l.Field(2*k + 1), true
}

// PairSpans is pair k as spans relative to Bytes() (see Span), for their
// Flags: FlagEscaped, FlagBareKey, the JSONType of a json:* value. ok as
// for Pair.
func (l Line) PairSpans(k int) (key, value Span, ok bool) {
	if !pairLayout(l.b.p.names) || uint(k) >= uint(l.b.nf/2) {
		return Span{Off: Absent}, Span{Off: Absent}, false
	}
	key = l.Span(2 * k)
	if !key.Present() {
		return Span{Off: Absent}, Span{Off: Absent}, false
	}
	return key, l.Span(2*k + 1), true
}

// NumPairs is the number of key/value pairs in spans that a Parser of an
// enumerate spec (json:*, logfmt:*) wrote with Parse: the number of keys
// present before the first absent one. It counts them, so call it once
// per line (or use the count Parse returns: twice the number of pairs).
func NumPairs(spans []Span) int {
	k := 0
	for k < len(spans)/2 && spans[2*k].Present() {
		k++
	}
	return k
}

// Pair is pair k of spans that a Parser of an enumerate spec wrote with
// Parse(line, spans): the key's and the value's bytes, sub-slices of line.
// ok is false, with nil key and value, past the last pair.
func Pair(line []byte, spans []Span, k int) (key, value []byte, ok bool) {
	if uint(k) >= uint(len(spans)/2) {
		return nil, nil, false
	}
	key = spans[2*k].Bytes(line)
	if key == nil {
		return nil, nil, false
	}
	return key, spans[2*k+1].Bytes(line), true
}
