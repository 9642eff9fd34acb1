package eventlog

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/baton-hq/baton/internal/event"
)

// Stored events are in a compact binary form: every collected event is
// encoded once and decoded by each consumer of the change feed (scoring,
// accounts) and by every history read, and JSON cost ~20 µs a decode. The
// form keeps what a JSON round trip kept: property values come back as JSON
// values (string, float64, bool, nil, map[string]any, []any), strings as
// valid UTF-8, times to the nanosecond in UTC. Items written as JSON before
// still decode (a JSON document starts with '{', never with codecV1).
const codecV1 = 0xB1

// Value tags of property maps.
const (
	tagNull = iota
	tagFalse
	tagTrue
	tagNumber
	tagString
	tagMap
	tagList
	tagJSON // any other Go value, as its JSON (decoded as JSON would be)
)

// Bits of the flags byte: which times are set, and the booleans.
const (
	flagReceived = 1 << iota
	flagSent
	flagOriginal
	flagTimestamp
	flagWebdriver
	flagBot
	flagScanner
)

var errCorrupt = errors.New("not an event in the stored form")

// encode appends the binary form of ev to b.
func encode(b []byte, ev *event.Event) []byte {
	var flags byte
	for i, t := range []time.Time{ev.ReceivedAt, ev.SentAt, ev.OriginalTS, ev.Timestamp} {
		if !t.IsZero() {
			flags |= 1 << i
		}
	}
	for i, set := range []bool{ev.Client.Webdriver, ev.Enrichment.Bot, ev.Enrichment.Scanner} {
		if set {
			flags |= flagWebdriver << i
		}
	}
	b = append(b, codecV1, flags)
	for _, t := range []time.Time{ev.ReceivedAt, ev.SentAt, ev.OriginalTS, ev.Timestamp} {
		if !t.IsZero() {
			b = binary.AppendVarint(b, t.Unix())
			b = binary.AppendUvarint(b, uint64(t.Nanosecond()))
		}
	}
	u, c, e := &ev.UTM, &ev.Client, &ev.Enrichment
	for _, s := range [...]string{ev.ID, ev.Type, ev.Name, ev.Site, ev.VisitorID, ev.AnonymousID, ev.UserID,
		ev.URL, ev.Referrer, ev.Title, u.Source, u.Medium, u.Campaign, u.Term, u.Content, ev.Consent,
		c.UserAgent, c.IP, c.Locale, c.Method, c.API,
		e.Browser, e.BrowserVersion, e.OS, e.Device, e.FlagReason, e.Visit, e.Country, e.Region, e.City, e.Org} {
		b = appendString(b, s)
	}
	b = binary.AppendUvarint(b, uint64(e.ASN))
	b = appendMap(b, ev.Properties)
	return appendMap(b, ev.Traits)
}

// encodedSize is a good guess of the binary form's size, to allocate once.
func encodedSize(ev *event.Event) int {
	return 256 + len(ev.ID) + len(ev.VisitorID) + len(ev.AnonymousID) + len(ev.UserID) + len(ev.URL) + len(ev.Referrer) +
		len(ev.Title) + len(ev.Client.UserAgent) + 64*(len(ev.Properties)+len(ev.Traits))
}

func appendString(b []byte, s string) []byte {
	if !utf8.ValidString(s) {
		s = validUTF8(s)
	}
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// validUTF8 replaces each invalid byte with U+FFFD, as encoding/json does.
func validUTF8(s string) string {
	var sb strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			sb.WriteRune(utf8.RuneError)
		} else {
			sb.WriteString(s[i : i+n])
		}
		i += n
	}
	return sb.String()
}

func appendMap(b []byte, m map[string]any) []byte {
	b = binary.AppendUvarint(b, uint64(len(m)))
	for k, v := range m {
		b = appendString(b, k)
		b = appendValue(b, v)
	}
	return b
}

func appendValue(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, tagNull)
	case bool:
		if x {
			return append(b, tagTrue)
		}
		return append(b, tagFalse)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			break // JSON has no such number: its own path says what it does
		}
		return binary.LittleEndian.AppendUint64(append(b, tagNumber), math.Float64bits(x))
	case string:
		return appendString(append(b, tagString), x)
	case map[string]any:
		if x == nil {
			return append(b, tagNull) // JSON's null
		}
		return appendMap(append(b, tagMap), x)
	case []any:
		if x == nil {
			return append(b, tagNull)
		}
		b = binary.AppendUvarint(append(b, tagList), uint64(len(x)))
		for _, e := range x {
			b = appendValue(b, e)
		}
		return b
	}
	data, err := json.Marshal(v)
	if err != nil {
		data = []byte("null") // what a JSON round trip of the whole event could not keep either
	}
	return appendString(append(b, tagJSON), string(data))
}

// decoder reads the binary form from one string (its substrings share it:
// one allocation for every string of the event). The first problem sticks.
type decoder struct {
	s      string
	bad    bool
	budget int // elements lists and maps may still claim: at most one a byte of the item
}

func (d *decoder) uvarint() uint64 {
	var x uint64
	for shift := uint(0); ; shift += 7 {
		if len(d.s) == 0 || shift > 63 {
			d.bad, d.s = true, ""
			return 0
		}
		c := d.s[0]
		d.s = d.s[1:]
		x |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return x
		}
	}
}

func (d *decoder) varint() int64 {
	u := d.uvarint()
	return int64(u>>1) ^ -int64(u&1)
}

func (d *decoder) byte() byte {
	if len(d.s) == 0 {
		d.bad = true
		return 0
	}
	c := d.s[0]
	d.s = d.s[1:]
	return c
}

func (d *decoder) string() string {
	n := d.uvarint()
	if n > uint64(len(d.s)) {
		d.bad, d.s = true, ""
		return ""
	}
	s := d.s[:n]
	d.s = d.s[n:]
	if !utf8.ValidString(s) {
		d.bad = true // the encoder writes valid UTF-8 only: corrupt
	}
	return s
}

func (d *decoder) time() time.Time {
	sec := d.varint()
	ns := d.uvarint()
	if ns >= 1e9 {
		d.bad = true
	}
	return time.Unix(sec, int64(ns)).UTC()
}

func (d *decoder) strings(ps ...*string) {
	for _, p := range ps {
		*p = d.string()
	}
}

// size bounds a count read from the data by the bytes left (each element
// takes at least one), so corrupt data cannot ask for a huge allocation.
func (d *decoder) size() int {
	n := d.uvarint()
	if n > uint64(len(d.s)) || int(n) > d.budget {
		d.bad, d.s = true, ""
		return 0
	}
	d.budget -= int(n) // nested lists cannot each claim what is left
	return int(n)
}

func (d *decoder) mapOf(depth int) map[string]any {
	n := d.size()
	if n == 0 {
		return nil
	}
	m := make(map[string]any, n)
	for i := 0; i < n && !d.bad; i++ {
		k := d.string()
		m[k] = d.value(depth)
	}
	return m
}

// maxDepth bounds nesting as encoding/json does (10,000 levels).
const maxDepth = 10000

func (d *decoder) value(depth int) any {
	if depth > maxDepth {
		d.bad, d.s = true, ""
		return nil
	}
	switch d.byte() {
	case tagNull:
		return nil
	case tagFalse:
		return false
	case tagTrue:
		return true
	case tagNumber:
		if len(d.s) < 8 {
			d.bad, d.s = true, ""
			return nil
		}
		var u uint64
		for i := 7; i >= 0; i-- {
			u = u<<8 | uint64(d.s[i])
		}
		d.s = d.s[8:]
		return math.Float64frombits(u)
	case tagString:
		return d.string()
	case tagMap:
		m := d.mapOf(depth + 1)
		if m == nil {
			m = map[string]any{}
		}
		return m
	case tagList:
		n := d.size()
		l := make([]any, n)
		for i := 0; i < n && !d.bad; i++ {
			l[i] = d.value(depth + 1)
		}
		return l
	case tagJSON:
		var v any
		if err := json.Unmarshal([]byte(d.string()), &v); err != nil {
			d.bad = true
		}
		return v
	}
	d.bad, d.s = true, ""
	return nil
}

// decode reads the binary form (data starts with codecV1) into ev.
func decode(ev *event.Event, data []byte) error { return decodeTo(ev, data, true) }

// decodeTo is decode, without the properties and traits unless props.
func decodeTo(ev *event.Event, data []byte, props bool) error {
	d := decoder{s: string(data), budget: len(data)}
	if d.byte() != codecV1 {
		return errCorrupt
	}
	flags := d.byte()
	for i, p := range []*time.Time{&ev.ReceivedAt, &ev.SentAt, &ev.OriginalTS, &ev.Timestamp} {
		if flags&(1<<i) != 0 {
			*p = d.time()
		}
	}
	ev.Client.Webdriver = flags&flagWebdriver != 0
	ev.Enrichment.Bot = flags&flagBot != 0
	ev.Enrichment.Scanner = flags&flagScanner != 0
	u, c, e := &ev.UTM, &ev.Client, &ev.Enrichment
	d.strings(&ev.ID, &ev.Type, &ev.Name, &ev.Site, &ev.VisitorID, &ev.AnonymousID, &ev.UserID,
		&ev.URL, &ev.Referrer, &ev.Title, &u.Source, &u.Medium, &u.Campaign, &u.Term, &u.Content, &ev.Consent,
		&c.UserAgent, &c.IP, &c.Locale, &c.Method, &c.API,
		&e.Browser, &e.BrowserVersion, &e.OS, &e.Device, &e.FlagReason, &e.Visit, &e.Country, &e.Region, &e.City, &e.Org)
	e.ASN = uint(d.uvarint())
	if !props {
		if d.bad {
			return errCorrupt
		}
		return nil
	}
	ev.Properties = d.mapOf(0)
	ev.Traits = d.mapOf(0)
	if d.bad || len(d.s) != 0 {
		return errCorrupt
	}
	return nil
}

// peek reads the corrected time and the id from the head of the binary
// form without decoding the rest (ok false: not the binary form, or
// corrupt, for a full decode to say).
func peek(data []byte) (at time.Time, id string, ok bool) {
	if len(data) < 2 || data[0] != codecV1 {
		return at, "", false
	}
	d := decoder{s: string(data[:min(len(data), 64)])} // times and a short id; a longer id is read below
	d.byte()
	flags := d.byte()
	for i := 0; i < 4; i++ {
		if flags&(1<<i) != 0 {
			t := d.time()
			if i == 3 {
				at = t
			}
		}
	}
	if d.bad {
		return time.Time{}, "", false
	}
	head := min(len(data), 64) - len(d.s)
	n, w := binary.Uvarint(data[head:])
	if w <= 0 || n > uint64(len(data)-head-w) {
		return time.Time{}, "", false
	}
	return at, string(data[head+w : head+w+int(n)]), true
}
