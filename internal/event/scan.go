package event

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strconv"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Parse reads a body in one pass over its top level and one over each event,
// decoding straight into the wire structs, where encoding/json took four to
// six (each Unmarshal validates before it decodes). It decodes as
// encoding/json does (last of repeated keys, null leaves a string as it was,
// numbers as float64, escapes and lone surrogates) and leaves to it, by
// errSlow, whatever it would not decode the same way or would refuse:
// malformed JSON, a known field of the wrong type, a key that only matches
// a field's name case-insensitively, a repeated top-level key. Parse then
// decodes the body with encoding/json, whose errors its answers have
// always carried. parse_diff_test.go holds both to the same results.

// errSlow: the input is left to encoding/json.
var errSlow = errors.New("event: input left to encoding/json")

// errNotThat: a compact "n" of the wrong JSON type (json.Unmarshal fails).
var errNotThat = errors.New("event: wrong JSON type")

// maxDepth is encoding/json's nesting limit.
const maxDepth = 10000

// scan reads JSON from d at i. d is valid UTF-8 (Parse checks). The
// strings of an event are cut from text, one copy of its bytes, when set:
// one allocation instead of one a string (an event kept keeps its text,
// about the size of its strings).
type scan struct {
	d     []byte
	text  string
	i     int
	depth int
	key   [2]int // where the key members passes is in d; [-1, -1] for an escaped one, decoded
}

// peek skips JSON whitespace and returns the next byte, 0 at the end.
func (s *scan) peek() byte {
	for s.i < len(s.d) {
		switch c := s.d[s.i]; c {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return c
		}
	}
	return 0
}

// end reports whether only whitespace is left.
func (s *scan) end() bool {
	s.peek()
	return s.i == len(s.d)
}

func (s *scan) lit(word string) bool {
	if len(s.d)-s.i < len(word) || string(s.d[s.i:s.i+len(word)]) != word {
		return false
	}
	s.i += len(word)
	return true
}

// strSpan passes a string at s.i, returning where its contents between
// the quotes are and whether they hold an escape; ok is false for a
// malformed one.
func (s *scan) strSpan() (start, end int, escaped, ok bool) {
	start = s.i + 1
	for i := start; i < len(s.d); i++ {
		i = plain(s.d, i)
		if i == len(s.d) {
			break
		}
		switch c := s.d[i]; {
		case c == '"':
			s.i = i + 1
			return start, i, escaped, true
		case c == '\\':
			escaped = true
			i++
			if i >= len(s.d) {
				return 0, 0, false, false
			}
			switch s.d[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if len(s.d)-i < 5 {
					return 0, 0, false, false
				}
				for _, h := range s.d[i+1 : i+5] {
					if !isHex(h) {
						return 0, 0, false, false
					}
				}
				i += 4
			default:
				return 0, 0, false, false
			}
		case c < ' ':
			return 0, 0, false, false
		}
	}
	return 0, 0, false, false
}

// plain returns where the first '"', '\\' or control character of d at or
// after i is (len(d) without one), eight bytes at a time: a string's
// bytes one by one were a quarter of a batch's parsing. A byte x of a word
// is zero where (x-1)&^x has its high bit set (and no word without a zero
// byte has one set); a byte below ' ' likewise with x-' '.
func plain(d []byte, i int) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for ; i+8 <= len(d); i += 8 {
		w := binary.LittleEndian.Uint64(d[i:])
		q, b := w^(ones*'"'), w^(ones*'\\')
		if ((q-ones)&^q|(b-ones)&^b|(w-ones*' ')&^w)&highs != 0 {
			break
		}
	}
	for ; i < len(d); i++ {
		if c := d[i]; c == '"' || c == '\\' || c < ' ' {
			return i
		}
	}
	return i
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

// str decodes a string at s.i.
func (s *scan) str() (string, bool) {
	a, b, escaped, ok := s.strSpan()
	switch {
	case !ok:
		return "", false
	case escaped:
		return string(unescape(s.d[a:b])), true
	case s.text != "":
		return s.text[a:b], true
	}
	return string(s.d[a:b]), true
}

// keyString is the key members passed, as a string.
func (s *scan) keyString(key []byte) string {
	if s.key[0] >= 0 && s.text != "" {
		return s.text[s.key[0]:s.key[1]]
	}
	return string(key)
}

// numSpan passes a number at s.i (JSON's grammar).
func (s *scan) numSpan() ([]byte, bool) {
	d, start := s.d, s.i
	i := start
	digits := func() bool {
		j := i
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
		return i > j
	}
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && '1' <= d[i] && d[i] <= '9':
		digits()
	default:
		return nil, false
	}
	if i < len(d) && d[i] == '.' {
		i++
		if !digits() {
			return nil, false
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if !digits() {
			return nil, false
		}
	}
	s.i = i
	return d[start:i], true
}

// num decodes a number as encoding/json does into a float64: one out of
// its range is an error there.
func (s *scan) num() (float64, bool) {
	b, ok := s.numSpan()
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(b), 64)
	return f, err == nil
}

// members walks the object at s.i, calling f at each member's value with
// its key, unescaped; f passes the value and returns false on trouble.
func (s *scan) members(f func(key []byte) bool) bool {
	if s.peek() != '{' || !s.enter() {
		return false
	}
	s.i++
	if s.peek() == '}' {
		s.i++
		s.depth--
		return true
	}
	for {
		if s.peek() != '"' {
			return false
		}
		a, b, escaped, ok := s.strSpan()
		if !ok {
			return false
		}
		key := s.d[a:b]
		s.key = [2]int{a, b}
		if escaped {
			key, s.key = unescape(key), [2]int{-1, -1}
		}
		if s.peek() != ':' {
			return false
		}
		s.i++
		s.peek()
		if !f(key) {
			return false
		}
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			s.depth--
			return true
		default:
			return false
		}
	}
}

// elements walks the array at s.i, calling f at each element.
func (s *scan) elements(f func() bool) bool {
	if s.peek() != '[' || !s.enter() {
		return false
	}
	s.i++
	if s.peek() == ']' {
		s.i++
		s.depth--
		return true
	}
	for {
		s.peek()
		if !f() {
			return false
		}
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			s.depth--
			return true
		default:
			return false
		}
	}
}

func (s *scan) enter() bool {
	s.depth++
	return s.depth <= maxDepth
}

// skip validates and passes one value.
func (s *scan) skip() bool {
	switch c := s.peek(); {
	case c == '"':
		_, _, _, ok := s.strSpan()
		return ok
	case c == '{':
		return s.members(func([]byte) bool { return s.skip() })
	case c == '[':
		return s.elements(s.skip)
	case c == 't':
		return s.lit("true")
	case c == 'f':
		return s.lit("false")
	case c == 'n':
		return s.lit("null")
	default:
		_, ok := s.numSpan()
		return ok
	}
}

// span passes one value and returns its bytes (json.RawMessage's).
func (s *scan) span() ([]byte, bool) {
	s.peek()
	start := s.i
	ok := s.skip()
	return s.d[start:s.i], ok
}

// value decodes any value as encoding/json decodes into an interface{}.
func (s *scan) value() (any, bool) {
	switch c := s.peek(); {
	case c == '"':
		return s.str()
	case c == '{':
		m := map[string]any{}
		return m, s.object(m)
	case c == '[':
		a := make([]any, 0)
		ok := s.elements(func() bool {
			v, ok := s.value()
			a = append(a, v)
			return ok
		})
		return a, ok
	case c == 't':
		return true, s.lit("true")
	case c == 'f':
		return false, s.lit("false")
	case c == 'n':
		return nil, s.lit("null")
	default:
		return s.num()
	}
}

// object decodes the members of the object at s.i into m.
func (s *scan) object(m map[string]any) bool {
	return s.members(func(key []byte) bool {
		k := s.keyString(key)
		v, ok := s.value()
		m[k] = v
		return ok
	})
}

// The setters decode a member's value into a field of a wire struct as
// encoding/json does: null leaves a string or a bool as it was and sets a
// map or a pointer to nil; a map or a struct already there is decoded into.

func (s *scan) setString(p *string) bool {
	switch s.peek() {
	case '"':
		v, ok := s.str()
		*p = v
		return ok
	case 'n':
		return s.lit("null")
	}
	return false
}

// setID decodes an id as wireID's UnmarshalJSON does: a string, or a
// number's text as written.
func (s *scan) setID(p *wireID) bool {
	switch c := s.peek(); {
	case c == '-' || '0' <= c && c <= '9':
		start := s.i
		if _, ok := s.numSpan(); !ok {
			return false
		}
		if s.text != "" {
			*p = numberID(s.text[start:s.i])
		} else {
			*p = numberID(string(s.d[start:s.i]))
		}
		return true
	}
	return s.setString((*string)(p))
}

// BodyWriteKey returns the top-level "writeKey" of a body, Segment's
// writeKey authentication (analytics.js sends it so, without an
// Authorization header, to spare a CORS preflight). found says the body
// has the member; key is "" when it is not one string (not a string, or
// repeated), and both are zero when the body is not a JSON object.
func BodyWriteKey(body []byte) (key string, found bool) {
	s := scan{d: skipBOM(bytes.TrimSpace(body))} // a BOM skipped as Parse skips it
	n := 0
	ok := s.members(func(k []byte) bool {
		if string(k) != "writeKey" {
			return s.skip()
		}
		n++
		key = ""
		if s.peek() == '"' {
			var ok bool
			key, ok = s.str()
			return ok
		}
		return s.skip()
	})
	if !ok || !s.end() {
		return "", false
	}
	if n > 1 || !utf8.ValidString(key) { // encoding/json would read U+FFFD where the bytes are not UTF-8
		key = ""
	}
	return key, n > 0
}

func (s *scan) setBool(p *bool) bool {
	switch s.peek() {
	case 't':
		*p = true
		return s.lit("true")
	case 'f':
		*p = false
		return s.lit("false")
	case 'n':
		return s.lit("null")
	}
	return false
}

func (s *scan) setFloat(p **float64) bool {
	switch c := s.peek(); {
	case c == 'n':
		*p = nil
		return s.lit("null")
	case c == '-' || '0' <= c && c <= '9':
		f, ok := s.num()
		*p = &f
		return ok
	}
	return false
}

func (s *scan) setMap(p *map[string]any) bool {
	switch s.peek() {
	case 'n':
		*p = nil
		return s.lit("null")
	case '{':
		if *p == nil {
			*p = map[string]any{}
		}
		return s.object(*p)
	}
	return false
}

// setStruct decodes an object into *p (allocated when nil) with member.
func setStruct[T any](s *scan, p **T, member func(*T, []byte) bool) bool {
	switch s.peek() {
	case 'n':
		*p = nil
		return s.lit("null")
	case '{':
		if *p == nil {
			*p = new(T)
		}
		v := *p
		return s.members(func(key []byte) bool { return member(v, key) })
	}
	return false
}

// unknown passes the value of a key no field has, unless the key matches
// one of names case-insensitively (encoding/json would decode it there).
func (s *scan) unknown(key []byte, names []string) bool {
	var buf [32]byte
	f := foldName(buf[:0], key)
	for _, n := range names {
		if string(f) == n {
			return false
		}
	}
	return s.skip()
}

// wireMember decodes one member of an event into w, and into t, the
// compact form, for the tag's POST /e (t is nil for the Segment API).
func (s *scan) wireMember(w *wire, t *tagWire, key []byte) bool {
	switch string(key) {
	case "type":
		return s.setString(&w.Type)
	case "event":
		return s.setString(&w.Event)
	case "name":
		return s.setString(&w.Name)
	case "messageId":
		return s.setString(&w.MessageID)
	case "anonymousId":
		return s.setID(&w.AnonymousID)
	case "userId":
		return s.setID(&w.UserID)
	case "site":
		return s.setString(&w.Site)
	case "timestamp":
		return s.setString(&w.Timestamp)
	case "originalTimestamp":
		return s.setString(&w.OriginalTS)
	case "sentAt":
		return s.setString(&w.SentAt)
	case "properties":
		return s.setMap(&w.Properties)
	case "traits":
		return s.setMap(&w.Traits)
	case "context":
		return setStruct(s, &w.Context, s.contextMember)
	case "previousId":
		return s.setID(&w.PreviousID)
	case "groupId":
		return s.setID(&w.GroupID)
	case "integrations":
		return s.skip() // never read
	}
	if t == nil {
		return s.unknown(key, wireNames)
	}
	switch string(key) {
	case "t":
		return s.setString(&t.T)
	case "i":
		return s.setString(&t.I)
	case "a":
		return s.setString(&t.A)
	case "s":
		return s.setString(&t.S)
	case "ts":
		return s.setFloat(&t.TS)
	case "p":
		return s.setMap(&t.P)
	case "n":
		n, ok := s.span()
		t.N = n
		return ok
	case "w":
		return s.setBool(&t.W)
	case "c":
		return s.setBool(&t.C)
	}
	return s.unknown(key, browserNames)
}

func (s *scan) contextMember(c *wireContext, key []byte) bool {
	switch string(key) {
	case "userAgent":
		return s.setString(&c.UserAgent)
	case "ip":
		return s.setString(&c.IP)
	case "locale":
		return s.setString(&c.Locale)
	case "page":
		return setStruct(s, &c.Page, s.pageMember)
	case "campaign":
		return setStruct(s, &c.Campaign, s.campaignMember)
	case "traits":
		return s.setMap(&c.Traits)
	case "webdriver":
		return s.setBool(&c.Webdriver)
	case "consent":
		if s.peek() == '{' { // Segment's consent object, read by consentOf
			obj, ok := s.span()
			c.Consent = wireConsent{obj: obj}
			return ok
		}
		if s.peek() == 'n' {
			return s.lit("null")
		}
		var w string
		ok := s.setString(&w)
		c.Consent = wireConsent{word: w}
		return ok
	case "direct":
		return s.setBool(&c.Direct)
	}
	return s.unknown(key, contextNames)
}

func (s *scan) pageMember(p *wirePage, key []byte) bool {
	switch string(key) {
	case "url":
		return s.setString(&p.URL)
	case "title":
		return s.setString(&p.Title)
	case "referrer":
		return s.setString(&p.Referrer)
	}
	return s.unknown(key, pageNames)
}

func (s *scan) campaignMember(c *wireCampaign, key []byte) bool {
	switch string(key) {
	case "name":
		return s.setString(&c.Name)
	case "source":
		return s.setString(&c.Source)
	case "medium":
		return s.setString(&c.Medium)
	case "term":
		return s.setString(&c.Term)
	case "content":
		return s.setString(&c.Content)
	}
	return s.unknown(key, campaignNames)
}

// The JSON names of the wire structs' fields, folded (foldName).
var (
	wireNames = foldNames("type", "event", "name", "messageId", "anonymousId", "userId", "site", "timestamp",
		"originalTimestamp", "sentAt", "properties", "traits", "context", "previousId", "groupId", "integrations")
	browserNames  = append(foldNames("t", "i", "a", "s", "ts", "p", "n", "w", "c"), wireNames...)
	contextNames  = foldNames("userAgent", "ip", "locale", "page", "campaign", "traits", "webdriver", "consent", "direct")
	pageNames     = foldNames("url", "title", "referrer")
	campaignNames = foldNames("name", "source", "medium", "term", "content")
	// topNames are the keys of a body read before its events: the Segment
	// batch's and the tag's.
	topNames = foldNames("batch", "sentAt", "context", "b", "sent")
)

func foldNames(names ...string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = string(foldName(nil, []byte(n)))
	}
	return out
}

// decodeFast decodes one event (raw is its exact bytes) as decodeStd does,
// or returns errSlow.
func decodeFast(raw []byte, src Source) (wire, error) {
	if raw[0] == '[' {
		return decodeTagArray(raw)
	}
	s := scan{d: raw, text: string(raw)}
	var bw browserWire
	var t *tagWire
	if src == Browser {
		t = &bw.tagWire
	}
	if !s.members(func(key []byte) bool { return s.wireMember(&bw.wire, t, key) }) || !s.end() {
		return wire{}, errSlow
	}
	if bw.T != "" {
		if err := bw.fromCompact(unmarshalN); err != nil {
			return wire{}, err
		}
	}
	return bw.wire, nil
}

// unmarshalN decodes the compact form's "n" as json.Unmarshal would into
// the traits or the event name: errNotThat for another JSON type.
func unmarshalN(n []byte, v any) error {
	s := scan{d: n}
	ok := false
	switch p := v.(type) {
	case *map[string]any:
		if s.peek() != '{' {
			return errNotThat
		}
		ok = s.setMap(p)
	case *string:
		if s.peek() != '"' {
			return errNotThat
		}
		ok = s.setString(p)
	}
	if !ok || !s.end() {
		return errSlow
	}
	return nil
}

// topFast reads a body's top level as parseStd does: the events' bytes,
// the batch's sentAt and context, and whether the body is a batch.
func topFast(body []byte, src Source) (raws [][]byte, sentAt string, ctx *wireContext, batched bool, err error) {
	s := scan{d: body}
	var cur [][]byte // the events of the array being read
	event := func() bool {
		raw, ok := s.span()
		if cur == nil {
			cur = make([][]byte, 0, 4) // appending from nil took five for ten
		}
		cur = append(cur, raw)
		return ok
	}
	if body[0] == '[' {
		if !s.elements(event) || !s.end() {
			return nil, "", nil, false, errSlow
		}
		if src == Browser {
			cur, sentAt, err = tagArraySent(cur)
		}
		return cur, sentAt, nil, true, err
	}
	// The known keys' values (nil when absent) and the events of the
	// batch's and the tag's arrays, split as they are read.
	var batch, tag, sentAtV, ctxV, sent []byte
	var batchRaws, tagRaws [][]byte
	ok := s.members(func(key []byte) bool {
		var dst *[]byte
		switch string(key) {
		case "batch":
			dst = &batch
		case "b":
			dst = &tag
		case "sentAt":
			dst = &sentAtV
		case "context":
			dst = &ctxV
		case "sent":
			dst = &sent
		default:
			return s.unknown(key, topNames)
		}
		if *dst != nil { // repeated
			return false
		}
		start := s.i
		switch c := s.peek(); {
		case c == '[' && (dst == &batch || dst == &tag):
			cur = nil
			if !s.elements(event) {
				return false
			}
			if dst == &batch {
				batchRaws = cur
			} else {
				tagRaws = cur
			}
		case c == 'n' || dst != &batch:
			if !s.skip() {
				return false
			}
		default: // a batch that is not an array
			return false
		}
		*dst = body[start:s.i]
		return true
	})
	if !ok || !s.end() {
		return nil, "", nil, false, errSlow
	}
	switch {
	case batch != nil:
		if sentAtV != nil {
			if s := (scan{d: sentAtV}); !s.setString(&sentAt) {
				return nil, "", nil, false, errSlow
			}
		}
		if ctxV != nil {
			if s := (scan{d: ctxV}); !setStruct(&s, &ctx, s.contextMember) {
				return nil, "", nil, false, errSlow
			}
		}
		return batchRaws, sentAt, ctx, true, nil
	case tag != nil && src == Browser:
		if tag[0] != '[' && tag[0] != 'n' {
			return nil, "", nil, false, errSlow
		}
		if sent != nil {
			var ms *float64
			if s := (scan{d: sent}); !s.setFloat(&ms) {
				return nil, "", nil, false, errSlow
			}
			if ms != nil {
				if sentAt, err = unixMilli(*ms); err != nil {
					return nil, "", nil, false, errf("sent", "%v", err)
				}
			}
		}
		return tagRaws, sentAt, nil, true, nil
	}
	return [][]byte{body}, "", nil, false, nil
}

// unescape decodes a string's contents as encoding/json does (its
// unquoteBytes, on contents strSpan validated): a lone surrogate and
// invalid UTF-8 become U+FFFD.
func unescape(s []byte) []byte {
	b := make([]byte, 0, len(s)+2*utf8.UTFMax)
	for r := 0; r < len(s); {
		switch c := s[r]; {
		case c == '\\':
			r++
			switch s[r] {
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				rr := getu4(s[r-1:])
				r += 5
				if utf16.IsSurrogate(rr) {
					if dec := utf16.DecodeRune(rr, getu4(s[r:])); dec != unicode.ReplacementChar {
						b = utf8.AppendRune(b, dec)
						r += 6
						continue
					}
					rr = unicode.ReplacementChar
				}
				b = utf8.AppendRune(b, rr)
				continue
			default: // '"', '\\', '/'
				b = append(b, s[r])
			}
			r++
		case c < utf8.RuneSelf:
			b = append(b, c)
			r++
		default:
			rr, size := utf8.DecodeRune(s[r:])
			r += size
			b = utf8.AppendRune(b, rr)
		}
	}
	return b
}

// getu4 decodes \uXXXX at the start of s, or returns -1.
func getu4(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range s[2:6] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// foldName appends in folded as encoding/json folds a key to match it to a
// field's name case-insensitively (its appendFoldedName).
func foldName(out, in []byte) []byte {
	for i := 0; i < len(in); {
		if c := in[i]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(in[i:])
		for { // the smallest rune of r's fold set
			r2 := unicode.SimpleFold(r)
			if r2 <= r {
				r = r2
				break
			}
			r = r2
		}
		out = utf8.AppendRune(out, r)
		i += n
	}
	return out
}
