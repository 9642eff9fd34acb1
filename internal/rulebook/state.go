package rulebook

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/baton-hq/baton/internal/event"
)

// State is what the engine keeps per person, stored in the score record as
// a compact binary value (a JSON string, "r2:" and base64). The behaviour
// score is kept as of At and decayed lazily when read, so no nightly job is
// needed.
//
// Its size is bounded: the events a rule matched are remembered as one
// 64-bit word each (their UTC day and a 32-bit hash of their id, sorted,
// delta-encoded: about 5 bytes an event), for keep at most and maxSeen
// entries at most; daily points only for rules with a daily cap.
type State struct {
	Score float64
	At    time.Time
	// RecycledAt is when sales last rejected or lost the person; NewPoints
	// the behaviour points earned by events after it (the new evidence a
	// recycled person needs before qualifying again).
	RecycledAt time.Time
	NewPoints  float64
	// Floor is the first UTC day the state still remembers in full: when
	// more than maxSeen matched events are kept, the oldest days go and an
	// event before Floor is taken as scored (half-lives have long made
	// such an event worth nothing).
	Floor uint32

	seen    []uint64            // day<<32 | hash32 of each matched event, sorted
	perDay  map[string][]dayPts // rule with a daily cap -> points per local day, by day
	PerRule map[string]float64  // rule -> points this cycle, for per-person caps
	Fired   map[string]bool     // once-rules that scored this cycle
}

type dayPts struct {
	day uint32 // local day (days since 1970-01-01 of the date in the engine's zone)
	pts float64
}

// maxSeen bounds the remembered events (about 20 KB encoded).
const maxSeen = 4096

// keep bounds the state: bookkeeping for events older than this goes (raw
// events are gone by then too, so they cannot be replayed).
const keep = 800 * 24 * time.Hour

const statePrefix = "r2:"

func utcDay(t time.Time) uint32 {
	d := t.Unix() / 86400
	if t.Unix() < 0 {
		d = 0
	}
	return uint32(d)
}

func localDay(t time.Time, loc *time.Location) uint32 {
	y, m, d := t.In(loc).Date()
	return utcDay(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// seenWord is an event's entry: its UTC day, and a 32-bit hash of its id
// (FNV-1a 64 folded; a collision needs two of one person's events on the
// same day).
func seenWord(id string, at time.Time) uint64 {
	return uint64(utcDay(at))<<32 | uint64(fold(fnv64(id)))
}

// resubmitWindow is the fixed window (from midnight UTC) in which a form
// sent again from the same browser and page, naming the same email, is the
// same submission: a double click on 送信, a reload posting it again, and
// a form corrected and sent again (a Contact Form 7 form the site refused
// for a missing 会社名 fires submit each time; a visitor back from a
// 確認画面 edits the form and sends it on): scored once. Fixed, so that which
// of several sends score does not depend on the order they are scored in
// (live, a rescore, the lab); two sends either side of a window's edge are
// two.
const resubmitWindow = 10 * time.Minute

// resubmitWord is a form submission's entry for its window: its browser,
// page, form and the email it names (not its message id, which a new send
// has new, nor its other values, which a correction changes); without an
// email, its values. Dated at the window's start.
func resubmitWord(ev *event.Event) uint64 {
	what := []byte(ev.Email())
	if len(what) == 0 {
		what, _ = json.Marshal(ev.Properties) // map keys sorted: one spelling of the same values
	} else {
		form, _ := json.Marshal(ev.Properties["form"])
		what = append(append(what, 0), form...)
		if anonymousForm(ev.Properties["form"]) {
			// Two forms of one page without an id, name or action (a 資料請求
			// and an お問い合わせ built by a page builder) are told apart by
			// their fields' names, which a correction keeps.
			fields, _ := ev.Properties["fields"].(map[string]any)
			for _, name := range slices.Sorted(maps.Keys(fields)) {
				what = append(append(what, 0), name...)
			}
		}
	}
	win := ev.Timestamp.Unix() / int64(resubmitWindow/time.Second)
	key := "resubmit\x00" + ev.VisitorID + "\x00" + ev.URL + "\x00" + string(what) + "\x00" + strconv.FormatInt(win, 10)
	return seenWord(key, time.Unix(win*int64(resubmitWindow/time.Second), 0))
}

// anonymousForm: the form names no id, name or action.
func anonymousForm(f any) bool {
	m, _ := f.(map[string]any)
	for _, k := range []string{"id", "name", "action"} {
		if v, _ := m[k].(string); v != "" {
			return false
		}
	}
	return true
}

func fnv64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

func fold(h uint64) uint32 { return uint32(h ^ h>>32) }

func (st *State) has(w uint64) bool {
	_, ok := slices.BinarySearch(st.seen, w)
	return ok
}

func (st *State) remember(w uint64) {
	i, ok := slices.BinarySearch(st.seen, w)
	if !ok {
		st.seen = slices.Insert(st.seen, i, w)
	}
}

func (st *State) dayPoints(rule string, day uint32) float64 {
	ds := st.perDay[rule]
	i, ok := slices.BinarySearchFunc(ds, day, func(d dayPts, day uint32) int { return int(d.day) - int(day) })
	if ok {
		return ds[i].pts
	}
	return 0
}

func (st *State) addDayPoints(rule string, day uint32, pts float64) {
	ds := st.perDay[rule]
	i, ok := slices.BinarySearchFunc(ds, day, func(d dayPts, day uint32) int { return int(d.day) - int(day) })
	if ok {
		ds[i].pts += pts
		return
	}
	st.perDay[rule] = slices.Insert(ds, i, dayPts{day, pts})
}

func newState() *State {
	return &State{perDay: map[string][]dayPts{}, PerRule: map[string]float64{}, Fired: map[string]bool{}}
}

// Seen is how many matched events the state remembers.
func (st *State) Seen() int { return len(st.seen) }

func (e *Engine) decode(raw json.RawMessage) (*State, error) { return e.decodeFor(raw, 0) }

// decodeFor decodes a state with room to remember more events without
// growing its list again (a batch's worth).
func (e *Engine) decodeFor(raw json.RawMessage, more int) (*State, error) {
	if len(raw) == 0 || string(raw) == "null" {
		st := newState()
		st.seen = make([]uint64, 0, more)
		return st, nil
	}
	if raw[0] == '{' {
		return e.decodeLegacy(raw)
	}
	if len(raw) < len(statePrefix)+2 || raw[0] != '"' || raw[len(raw)-1] != '"' || string(raw[1:1+len(statePrefix)]) != statePrefix {
		return nil, errors.New("rulebook: corrupt state: not an engine state")
	}
	b64 := raw[1+len(statePrefix) : len(raw)-1]
	scratch := scratches.Get().(*[]byte)
	defer scratches.Put(scratch)
	buf := slices.Grow((*scratch)[:0], base64.RawStdEncoding.DecodedLen(len(b64)))[:base64.RawStdEncoding.DecodedLen(len(b64))]
	*scratch = buf
	n, err := base64.RawStdEncoding.Decode(buf, b64)
	if err != nil {
		return nil, fmt.Errorf("rulebook: corrupt state: %w", err)
	}
	st, err := unmarshalState(buf[:n], more)
	if err != nil {
		return nil, fmt.Errorf("rulebook: corrupt state: %w", err)
	}
	return st, nil
}

// decodeLegacy reads the JSON state of earlier versions (every matched
// event's 64-bit hash by name), so stored records keep their meaning.
func (e *Engine) decodeLegacy(raw json.RawMessage) (*State, error) {
	var old struct {
		Score      float64            `json:"score"`
		At         time.Time          `json:"at"`
		Seen       map[string]int64   `json:"seen"`
		PerDay     map[string]float64 `json:"perDay"`
		PerRule    map[string]float64 `json:"perRule"`
		Fired      map[string]bool    `json:"fired"`
		RecycledAt time.Time          `json:"recycledAt"`
		NewPoints  float64            `json:"newPoints"`
	}
	if err := json.Unmarshal(raw, &old); err != nil {
		return nil, fmt.Errorf("rulebook: corrupt state: %w", err)
	}
	st := newState()
	st.Score, st.At, st.RecycledAt, st.NewPoints = old.Score, old.At, old.RecycledAt, old.NewPoints
	for k, day := range old.Seen {
		h, err := strconv.ParseUint(k, 36, 64)
		if err != nil || day < 0 {
			continue
		}
		st.seen = append(st.seen, uint64(day)<<32|uint64(fold(h)))
	}
	slices.Sort(st.seen)
	st.seen = slices.Compact(st.seen)
	for k, pts := range old.PerDay {
		rule, d, _ := strings.Cut(k, "|")
		at, err := time.Parse("2006-01-02", d)
		if err != nil {
			continue
		}
		st.addDayPoints(rule, utcDay(at), pts)
	}
	for k, v := range old.PerRule {
		st.PerRule[k] = v
	}
	for k, v := range old.Fired {
		if v {
			st.Fired[k] = true
		}
	}
	return st, nil
}

// scratches hold a state's binary form between it and base64 (decode and
// encode): nothing keeps it, and it is tens of kilobytes for a long history.
var scratches = sync.Pool{New: func() any { return new([]byte) }}

func encodeState(st *State) json.RawMessage {
	scratch := scratches.Get().(*[]byte)
	defer scratches.Put(scratch)
	bin := appendState((*scratch)[:0], st)
	*scratch = bin
	out := make([]byte, 0, 2+len(statePrefix)+base64.RawStdEncoding.EncodedLen(len(bin)))
	out = append(out, '"')
	out = append(out, statePrefix...)
	out = base64.RawStdEncoding.AppendEncode(out, bin)
	return append(out, '"')
}

func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return binary.AppendVarint(b, 0)
	}
	return binary.AppendVarint(b, t.UnixNano())
}

func appendFloat(b []byte, f float64) []byte {
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(f))
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// appendState appends the state's binary form to b.
func appendState(b []byte, st *State) []byte {
	b = slices.Grow(b, 64+6*len(st.seen))
	b = append(b, 2) // format version
	b = appendFloat(b, st.Score)
	b = appendTime(b, st.At)
	b = appendTime(b, st.RecycledAt)
	b = appendFloat(b, st.NewPoints)
	b = binary.AppendUvarint(b, uint64(st.Floor))
	rules := sortedKeys(st.PerRule)
	b = binary.AppendUvarint(b, uint64(len(rules)))
	for _, r := range rules {
		b = appendFloat(appendString(b, r), st.PerRule[r])
	}
	fired := sortedKeys(st.Fired)
	b = binary.AppendUvarint(b, uint64(len(fired)))
	for _, r := range fired {
		b = appendString(b, r)
	}
	days := sortedKeys(st.perDay)
	b = binary.AppendUvarint(b, uint64(len(days)))
	for _, r := range days {
		ds := st.perDay[r]
		b = binary.AppendUvarint(appendString(b, r), uint64(len(ds)))
		prev := uint32(0)
		for _, d := range ds {
			b = appendFloat(binary.AppendUvarint(b, uint64(d.day-prev)), d.pts)
			prev = d.day
		}
	}
	b = binary.AppendUvarint(b, uint64(len(st.seen)))
	prev := uint64(0)
	for _, w := range st.seen {
		b = binary.AppendUvarint(b, w-prev)
		prev = w
	}
	return b
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

type reader struct {
	b   []byte
	err error
}

var errShort = errors.New("truncated")

func (r *reader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err, r.b = errShort, nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) count() int {
	n := r.uvarint()
	if n > uint64(len(r.b)) { // every entry takes a byte at least
		r.err, r.b = errShort, nil
		return 0
	}
	return int(n)
}

func (r *reader) time() time.Time {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err, r.b = errShort, nil
		return time.Time{}
	}
	r.b = r.b[n:]
	if v == 0 {
		return time.Time{}
	}
	return time.Unix(0, v).UTC()
}

func (r *reader) float() float64 {
	if len(r.b) < 8 {
		r.err, r.b = errShort, nil
		return 0
	}
	f := math.Float64frombits(binary.LittleEndian.Uint64(r.b))
	r.b = r.b[8:]
	return f
}

func (r *reader) string() string {
	n := r.count()
	if r.err != nil {
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

func unmarshalState(b []byte, more int) (*State, error) {
	if len(b) == 0 || b[0] != 2 {
		return nil, errors.New("unknown format")
	}
	r := &reader{b: b[1:]}
	st := newState()
	st.Score = r.float()
	st.At = r.time()
	st.RecycledAt = r.time()
	st.NewPoints = r.float()
	st.Floor = uint32(r.uvarint())
	for n := r.count(); n > 0 && r.err == nil; n-- {
		name := r.string()
		st.PerRule[name] = r.float()
	}
	for n := r.count(); n > 0 && r.err == nil; n-- {
		st.Fired[r.string()] = true
	}
	for n := r.count(); n > 0 && r.err == nil; n-- {
		name := r.string()
		k := r.count()
		ds := make([]dayPts, 0, k)
		day := uint32(0)
		for ; k > 0 && r.err == nil; k-- {
			day += uint32(r.uvarint())
			ds = append(ds, dayPts{day: day, pts: r.float()})
		}
		st.perDay[name] = ds
	}
	n := r.count()
	st.seen = make([]uint64, 0, n+max(8, more))
	w := uint64(0)
	for ; n > 0 && r.err == nil; n-- {
		w += r.uvarint()
		st.seen = append(st.seen, w)
	}
	if r.err != nil {
		return nil, r.err
	}
	if len(r.b) != 0 {
		return nil, errors.New("trailing bytes")
	}
	if !slices.IsSorted(st.seen) {
		return nil, errors.New("unsorted events")
	}
	return st, nil
}

// prune drops bookkeeping older than keep, and the oldest days beyond
// maxSeen remembered events (raising Floor).
func prune(st *State, now time.Time, loc *time.Location) {
	oldest := utcDay(now.Add(-keep))
	// Not a floor: such an event is gone from the store (retention).
	i, _ := slices.BinarySearch(st.seen, uint64(oldest)<<32)
	st.seen = st.seen[i:]
	if len(st.seen) > maxSeen {
		// Whole days go, the newest maxSeen events at most stay.
		st.Floor = max(st.Floor, uint32(st.seen[len(st.seen)-maxSeen-1]>>32)+1)
	}
	if st.Floor > 0 {
		i, _ := slices.BinarySearch(st.seen, uint64(st.Floor)<<32)
		st.seen = st.seen[i:]
	}
	cutoff := localDay(now.Add(-keep), loc)
	if st.Floor > 1 {
		cutoff = max(cutoff, st.Floor-1) // a local day may begin the UTC day before
	}
	for r, ds := range st.perDay {
		i := 0
		for i < len(ds) && ds[i].day < cutoff {
			i++
		}
		if i == len(ds) {
			delete(st.perDay, r)
		} else if i > 0 {
			st.perDay[r] = ds[i:]
		}
	}
}
