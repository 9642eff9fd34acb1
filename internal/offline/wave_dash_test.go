package offline

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/eventlog"
)

// TestWaveDashOneEvent: Excel on Windows writes an event's wave dash as ～
// (U+FF5E), on a Mac (and a Shift_JIS file) as 〜 (U+301C): "東京～大阪
// 展示会" and "東京〜大阪 展示会" were two events, and a person on both lists
// had two touches. They are one event, one touch.
func TestWaveDashOneEvent(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	in := "email,event\r\n" +
		"a@example.co.jp,東京～大阪 展示会\r\n" +
		"a@example.co.jp,東京〜大阪 展示会\r\n" +
		"b@example.co.jp,東京〜大阪 展示会\r\n"
	res, err := f.im.Import(ctx, strings.NewReader(in), Defaults{Channel: "展示会", Date: "2026-11-06"})
	if err != nil || res.Imported != 2 || res.Repeated != 1 || len(res.Errors) != 0 {
		t.Fatalf("%+v %v", res, err)
	}
	for _, email := range []string{"a@example.co.jp", "b@example.co.jp"} {
		p, _ := f.dir.ByEmail(ctx, email)
		ev, err := f.log.Get(ctx, Visitor(p.ID), EventID(email, "東京～大阪 展示会", "2026-11-06"))
		if err != nil || ev.Properties["event"] != "東京~大阪 展示会" {
			t.Errorf("%s: %v %v", email, ev.Properties, err)
		}
	}
}

// TestWaveDashIDsKept: a name without 〜 has the id it had (the ids below
// are those imports gave before wave dashes were folded): with ～, ~ or
// neither, importing a list stored before repeats it.
func TestWaveDashIDsKept(t *testing.T) {
	for name, id := range map[string]string{
		"展示会～東京":     "off_7fd531981bf9aa453834660be51ed27b",
		"Week 1~3":   "off_fbdccddefbfb1dc2c8eb5a35b272e547",
		"DXセミナー 第3回": "off_4a1c11f0b2d2d2a7c3ddc46f974ed66a",
	} {
		if got := EventID("taro@example.co.jp", eventName(name), "2026-11-06"); got != id {
			t.Errorf("%q: %s, was %s", name, got, id)
		}
	}
}

// TestWaveDashStoredBefore: a touch an earlier import stored under 〜
// (the list from a Mac) is found when the list comes again from Windows
// (～) or as it was: repeated, not a second touch under ~.
func TestWaveDashStoredBefore(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	const email, day = "a@example.co.jp", "2026-11-06"
	vid, _ := storedBefore(t, f, email, day, "展示会〜東京")
	for _, name := range []string{"展示会～東京", "展示会〜東京"} {
		res, err := f.im.Import(ctx, strings.NewReader("email,event\r\n"+email+","+name+"\r\n"), Defaults{Channel: "展示会", Date: day})
		if err != nil || res.Imported != 0 || res.Repeated != 1 {
			t.Errorf("%q imported again: %+v %v", name, res, err)
		}
	}
	if _, err := f.log.Get(ctx, vid, EventID(email, "展示会~東京", day)); !errors.Is(err, eventlog.ErrNotFound) {
		t.Errorf("a second touch under ~: %v", err)
	}
}
