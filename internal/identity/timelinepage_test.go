package identity

import (
	"testing"
	"time"
)

func TestTimelineCursorRoundTrip(t *testing.T) {
	c := TimelineCursor{At: time.Date(2026, 11, 2, 9, 0, 0, 123456789, time.UTC), ID: "msg.with.dots-1"}
	got, err := ParseTimelineCursor(c.String())
	if err != nil || !got.At.Equal(c.At) || got.ID != c.ID {
		t.Fatalf("%+v %v", got, err)
	}
	for _, bad := range []string{"", "!!", "bm90LWEtY3Vyc29y", "MTIz", "eC55"} { // "not-a-cursor", "123", "x.y"
		if _, err := ParseTimelineCursor(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzParseTimelineCursor(f *testing.F) {
	f.Add(TimelineCursor{At: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC), ID: "a"}.String())
	f.Add("bm90LWEtY3Vyc29y")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseTimelineCursor(s)
		if err != nil {
			return
		}
		again, err := ParseTimelineCursor(c.String())
		if err != nil || !again.At.Equal(c.At) || again.ID != c.ID {
			t.Fatalf("%q: %+v then %+v %v", s, c, again, err)
		}
	})
}
