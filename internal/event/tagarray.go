package event

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// The tag's array forms, its smallest: a body [event, ..., sent] (sent: ms
// since the epoch, client clock) and an event
// [a, w, i, c, s, t, n, p, ts] (the compact form's values by position, see
// tagWire; the order is the one the tag gzips smallest in), whose
// properties are positional too for the tag's own types:
//
//	page         [url, title, referrer] or [url, title, referrer, landing]
//	d (download) [text, url]
//	o (outbound) [text, url]
//	s (form)     [url, title, fields, form id, form name, form action, labels]
//
// A form's n is the address the tag took for it (its first field saying
// mail), kept as the property tagEmail: the form's fields stay as sent,
// and Email chooses among them, the tag's pick only its fallback. A
// page view's landing is the URL the tag loaded on, sent with its first
// view ("" on the others; older tags send three values): see landingView.
//
// c is the consent flag as the tag computes it (JavaScript truthiness of a
// stored string or 0/1), a and i the ids as the tag writes them (its
// random numbers joined by commas; dashes, as older tags joined them).
// Both are read into the compact object form, so that everything after is
// shared with it.

// arrayKeys are the compact form's keys of an event's values, in the
// array form's order.
var arrayKeys = [...]string{"a", "w", "i", "c", "s", "t", "n", "p", "ts"}

// arrayIndex is where each key's value is.
var arrayIndex = func() map[string]int {
	m := map[string]int{}
	for k, key := range arrayKeys {
		m[key] = k
	}
	return m
}()

// arrayTypes are the tag's type names in the array form.
var arrayTypes = map[string]string{"page": "page", "d": Download, "o": Outbound, "s": FormSubmit}

// arrayProps are the property names of the positional properties, by type.
var arrayProps = map[string][]string{
	"page":     {"url", "title", "referrer", "landing"}, // landing: optional, the last
	Download:   {"text", "url"},
	Outbound:   {"text", "url"},
	FormSubmit: {"url", "title", "fields", "form.id", "form.name", "form.action", "labels"},
}

// tagArray is an event in the array form, split and checked as far as
// the form itself goes (what its values hold is the compact form's to
// check).
type tagArray struct {
	vs      [][]byte // its values, in arrayKeys' order
	full    string   // a tag type's full name; "" for a type taken as sent
	typ     string   // t as sent
	props   [][]byte // a tag type's positional properties
	consent bool
}

func (a *tagArray) v(key string) []byte { return a.vs[arrayIndex[key]] }

// splitTagArray splits an event in the array form and checks its shape.
func splitTagArray(raw []byte) (tagArray, error) {
	vs, ok := elements(raw)
	if !ok {
		var v []json.RawMessage
		if err := json.Unmarshal(raw, &v); err != nil {
			return tagArray{}, jsonErr(err)
		}
		return tagArray{}, errf("", "an event in the array form must be an array")
	}
	if len(vs) != len(arrayKeys) {
		return tagArray{}, errf("", "an event in the array form has %d values, not %d", len(vs), len(arrayKeys))
	}
	a := tagArray{vs: vs}
	s := scan{d: a.v("t")}
	ok = s.peek() == '"'
	if ok {
		a.typ, ok = s.str()
	}
	if !ok || a.typ == "" {
		return tagArray{}, errf("t", "the type must be a string")
	}
	if full, ok := arrayTypes[a.typ]; ok {
		a.full = full
		names := arrayProps[full]
		ps, ok := elements(a.v("p"))
		if full == "page" && ok && len(ps) == len(names)-1 {
			// An older tag's page view, without the landing page.
		} else if !ok || len(ps) != len(names) {
			if full == "page" {
				return tagArray{}, errf("p", "the properties of a page event in the array form are %d or %d values", len(names)-1, len(names))
			}
			return tagArray{}, errf("p", "the properties of a %s event in the array form are %d values", full, len(names))
		}
		if full == FormSubmit {
			if fields := bytes.TrimSpace(ps[2]); len(fields) == 0 || fields[0] != '{' {
				return tagArray{}, errf("p", "a form's fields must be an object")
			}
			if n := a.v("n"); len(n) < 3 || n[0] != '"' { // "" is no address
				return tagArray{}, errf("n", "a form's email address must be a string")
			}
		}
		a.props = ps
	}
	var err error
	if a.consent, err = truthy(a.v("c")); err != nil {
		return tagArray{}, err
	}
	return a, nil
}

// tagArrayEvent turns an event in the array form into the compact object
// form, for encoding/json (decodeStd); the fast decoder reads the array
// straight into the compact form's struct (decodeTagArray).
func tagArrayEvent(raw []byte) ([]byte, error) {
	a, err := splitTagArray(raw)
	if err != nil {
		return nil, err
	}
	b := make([]byte, 0, len(raw)+64)
	n := a.v("n")
	if a.full != "" {
		b = append(append(append(b, `{"t":"`...), a.full...), `","p":`...)
		b = arrayProperties(b, a.full, a.props, n)
		if a.full == FormSubmit {
			n = []byte("null")
		}
	} else {
		b = append(append(append(append(b, `{"t":`...), a.v("t")...), `,"p":`...), a.v("p")...)
	}
	consent := []byte("false")
	if a.consent {
		consent = []byte("true")
	}
	for _, kv := range [...]struct {
		k string
		v []byte
	}{{"n", n}, {"a", dashes(a.v("a"))}, {"s", a.v("s")}, {"c", consent}, {"w", a.v("w")}, {"i", dashes(a.v("i"))}, {"ts", a.v("ts")}} {
		b = append(append(append(append(b, `,"`...), kv.k...), `":`...), kv.v...)
	}
	return append(b, '}'), nil
}

// elements splits a JSON array into its values' bytes; ok is false for
// anything else.
func elements(raw []byte) (vs [][]byte, ok bool) {
	s := scan{d: raw}
	vs = make([][]byte, 0, len(arrayKeys))
	ok = s.elements(func() bool {
		v, ok := s.span()
		vs = append(vs, v)
		return ok
	}) && s.end()
	return vs, ok
}

// TagEmailProperty is the property of a tag's form holding the address
// the tag took for it: the first field whose type, name, label or
// placeholder says mail. That can be a select (メールマガジン: 受け取る)
// or a referrer's address (ご紹介者のメールアドレス) before the person's
// own; written into the fields as "email" it hid the field named email,
// and the form identified nobody or the referrer. So it is kept apart,
// and only what is an address: Email reads it when no field's name or
// label says which is the person's.
const TagEmailProperty = "tagEmail"

// tagEmail reports whether a form's n (JSON) is an address.
func tagEmail(n []byte) bool {
	var s string
	return json.Unmarshal(n, &s) == nil && isTagEmail(s)
}

func isTagEmail(s string) bool {
	_, err := NormalizeEmail(s)
	return err == nil
}

// arrayProperties appends to b the object of the positional properties vs
// of a tag type's event; a form's email address n, when it is one, goes
// into TagEmailProperty (after them).
func arrayProperties(b []byte, typ string, vs [][]byte, n []byte) []byte {
	names := arrayProps[typ]
	b = append(b, '{')
	inForm := false
	for k, name := range names[:len(vs)] { // a page view's landing may be left out
		sub, isForm := strings.CutPrefix(name, "form.")
		if inForm && !isForm {
			b = append(b, '}')
			inForm = false
		}
		if k > 0 {
			b = append(b, ',')
		}
		if isForm {
			if !inForm {
				b = append(b, `"form":{`...)
				inForm = true
			}
			name = sub
		}
		b = append(append(append(append(b, '"'), name...), `":`...), vs[k]...)
	}
	if inForm {
		b = append(b, '}')
	}
	if typ == FormSubmit && tagEmail(n) {
		b = append(append(b, `,"`+TagEmailProperty+`":`...), n...)
	}
	return append(b, '}')
}

// decodeTagArray decodes an event in the array form as decodeFast decodes
// the compact object tagArrayEvent makes of it, in one pass over its
// values (the object written and read again was a third of a page view's
// parsing), or returns errSlow where that would: a value of the wrong
// JSON type, a number out of range. An id with an escape is left to it
// too (its commas are dashed as written, not as decoded).
func decodeTagArray(raw []byte) (wire, error) {
	a, err := splitTagArray(raw)
	if err != nil {
		return wire{}, err
	}
	text := string(raw) // the strings' one copy, as decodeFast's
	// at returns a scanner at v, a value of the event (a slice of raw:
	// where it starts is told by its capacity).
	at := func(v []byte) scan {
		i := cap(raw) - cap(v)
		return scan{d: raw[:i+len(v)], text: text[:i+len(v)], i: i}
	}
	var bw browserWire
	t := &bw.tagWire
	t.T, t.C = a.typ, a.consent
	s, w, ts := at(a.v("s")), at(a.v("w")), at(a.v("ts"))
	if !s.setString(&t.S) || !w.setBool(&t.W) || !ts.setFloat(&t.TS) {
		return wire{}, errSlow
	}
	var ok bool
	if t.A, ok = dashedID(at(a.v("a"))); !ok {
		return wire{}, errSlow
	}
	if t.I, ok = dashedID(at(a.v("i"))); !ok {
		return wire{}, errSlow
	}
	if a.full == "" {
		t.N = a.v("n")
		if p := at(a.v("p")); !p.setMap(&t.P) {
			return wire{}, errSlow
		}
	} else {
		t.T = a.full
		if t.P, ok = propsOf(a, at); !ok {
			return wire{}, errSlow
		}
		if a.full != FormSubmit {
			t.N = a.v("n")
		}
	}
	if err := bw.fromCompact(unmarshalN); err != nil {
		return wire{}, err
	}
	return bw.wire, nil
}

// propsOf decodes a tag type's positional properties into the object
// arrayProperties writes.
func propsOf(a tagArray, at func([]byte) scan) (map[string]any, bool) {
	names := arrayProps[a.full][:len(a.props)] // a page view's landing may be left out
	p := make(map[string]any, len(names))
	var form map[string]any
	for k, name := range names {
		s := at(a.props[k])
		v, ok := s.value()
		if !ok {
			return nil, false
		}
		if sub, isForm := strings.CutPrefix(name, "form."); isForm {
			if form == nil {
				form = make(map[string]any, 3)
				p["form"] = form
			}
			form[sub] = v
			continue
		}
		p[name] = v
	}
	if a.full == FormSubmit {
		s := at(a.v("n"))
		email, ok := s.value()
		if !ok {
			return nil, false
		}
		if e, _ := email.(string); isTagEmail(e) {
			p[TagEmailProperty] = e
		}
	}
	return p, true
}

// dashedID decodes an id (a string or null) as dashes and setString would
// read it; ok is false for another JSON type or an escaped string.
func dashedID(s scan) (string, bool) {
	switch s.peek() {
	case 'n':
		return "", s.lit("null")
	case '"':
		a, b, escaped, ok := s.strSpan()
		if !ok || escaped {
			return "", false
		}
		if id := s.text[a:b]; strings.Contains(id, ",") {
			return strings.ReplaceAll(id, ",", "-"), true
		}
		return s.text[a:b], true
	}
	return "", false
}

// truthy is JavaScript's truthiness of the tag's consent flag.
func truthy(c []byte) (bool, error) {
	t := true
	switch c[0] {
	case 't':
	case 'f', 'n':
		t = false
	case '"':
		t = len(c) > 2 // not ""
	case '[', '{':
		return false, errf("c", "the consent flag must be a boolean, number or string")
	default:
		f, err := strconv.ParseFloat(string(c), 64)
		t = f != 0 || err != nil // out of range: infinite
	}
	return t, nil
}

// dashes writes a string id's commas as dashes (a comma in a JSON string
// is no part of an escape); any other value is left to the compact form's
// checks.
func dashes(id []byte) []byte {
	if len(id) == 0 || id[0] != '"' || !bytes.Contains(id, []byte(",")) {
		return id
	}
	return bytes.ReplaceAll(id, []byte(","), []byte("-"))
}

// tagArraySent splits the tag's array body into its events and its sent
// time: a trailing number is the time (ms since the epoch).
func tagArraySent[R ~[]byte](raws []R) ([]R, string, error) {
	if len(raws) == 0 {
		return raws, "", nil
	}
	last := bytes.TrimSpace(raws[len(raws)-1])
	if len(last) == 0 || last[0] != '-' && (last[0] < '0' || last[0] > '9') {
		return raws, "", nil
	}
	// A JSON number (the body was read whole already): ParseFloat fails
	// where json.Unmarshal does, out of float64's range.
	ms, err := strconv.ParseFloat(string(last), 64)
	if err != nil {
		return nil, "", errf("sent", "not a time in milliseconds since the epoch")
	}
	sentAt, err := unixMilli(ms)
	if err != nil {
		return nil, "", errf("sent", "%v", err)
	}
	return raws[:len(raws)-1], sentAt, nil
}
