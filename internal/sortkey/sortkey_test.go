package sortkey

import (
	"math/rand"
	"strings"
	"testing"
	"time"
)

// old is how keys spelled times before: RFC 3339 with a trimmed fraction.
func old(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

var base = time.Date(2026, 11, 2, 10, 0, 5, 0, time.UTC)

// TestSortsAsTimes: keys (the time, then '#' and the rest) sort as their
// times, to the nanosecond, whatever their fractions; the old spelling did
// not (a whole second sorted after its fractions, .12 before .1).
func TestSortsAsTimes(t *testing.T) {
	offs := []time.Duration{0, 1, 100 * time.Millisecond, 120 * time.Millisecond, 500 * time.Millisecond, 999999999, time.Second, time.Second + 1}
	for _, a := range offs {
		for _, b := range offs {
			ta, tb := base.Add(a), base.Add(b)
			// "#z" after the earlier, "#a" after the later: the rest of
			// the key would order them the other way.
			ka, kb := Time(ta)+"#z", Time(tb)+"#a"
			if ta.Before(tb) != (ka < kb) {
				t.Errorf("%v, %v: keys %q, %q", ta, tb, ka, kb)
			}
		}
	}
	if o1, o12 := old(base.Add(100*time.Millisecond))+"#", old(base.Add(120*time.Millisecond))+"#"; o1 < o12 {
		t.Fatal("the old spelling sorts .1 before .12: the test shows nothing")
	}
	r := rand.New(rand.NewSource(1))
	for range 10000 {
		ta := base.Add(time.Duration(r.Int63n(int64(3 * time.Second))))
		tb := base.Add(time.Duration(r.Int63n(int64(3 * time.Second))))
		if ta.Before(tb) != (Time(ta)+"#" < Time(tb)+"#") {
			t.Fatalf("%v, %v", ta, tb)
		}
		if len(Time(ta)) != Len {
			t.Fatalf("%q: not %d long", Time(ta), Len)
		}
	}
}

// TestAfterOldKeysOfItsSecond: against a key written before (the old
// spelling, then '#'), a new key sorts by the second first, and within
// its second after it; Second bounds both spellings from below.
func TestAfterOldKeysOfItsSecond(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	for range 10000 {
		to := base.Add(time.Duration(r.Int63n(int64(3 * time.Second))))
		if r.Intn(4) == 0 {
			to = to.Truncate(time.Millisecond)
		}
		tn := base.Add(time.Duration(r.Int63n(int64(3 * time.Second))))
		ko, kn := old(to)+"#p_9#0001", Time(tn)+"#p_0#0001"
		so, sn := to.Truncate(time.Second), tn.Truncate(time.Second)
		want := so.Before(sn) || so.Equal(sn) // the old one first: an earlier second, or its own
		if (ko < kn) != want {
			t.Fatalf("old %q, new %q", ko, kn)
		}
		for _, k := range []string{ko, kn} {
			tk, _ := Parse(k[:strings.IndexByte(k, '#')])
			if s := Second(tk); !(s < k) || (Second(tk.Add(time.Second)) < k) {
				t.Fatalf("Second %q does not bound %q", s, k)
			}
		}
	}
}

func TestParse(t *testing.T) {
	for _, tt := range []time.Time{base, base.Add(1), base.Add(500 * time.Millisecond), base.Add(999999999), time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)} {
		for _, s := range []string{Time(tt), old(tt)} {
			got, err := Parse(s)
			if err != nil || !got.Equal(tt) {
				t.Errorf("Parse(%q) = %v, %v", s, got, err)
			}
		}
	}
	for _, bad := range []string{"", "x", "2026-11-02T10:00:05Z.5", "2026-11-02T10:00:05Z.50000000x", "2026-11-02T10:00:05Z.-00000000", "2026-13-02T10:00:05Z.000000000", "2026-11-02T10:00:05"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) took it", bad)
		}
	}
}
