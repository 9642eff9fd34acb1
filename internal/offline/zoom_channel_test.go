package offline

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/rulebook"
)

// TestZoomReportIsAWebinar: Zoom's attendee report imported with no query
// at all (Japanese and English) was refused, missing the channel column;
// it is a webinar's attendance: its touches are on the webinar channel (as
// attribution and rules name it), its new people's source is
// offline:webinar, and the answer says the channel came from the report.
// The query's channel wins; a plain list without a channel column is
// still refused.
func TestZoomReportIsAWebinar(t *testing.T) {
	for _, c := range []struct{ file, email string }{
		{"testdata/zoom_attendee_report_ja.csv", "taro.yamada@client.example"},
		{"testdata/zoom_attendee_report_en.csv", "ken.ito@client.example"},
	} {
		in, err := os.ReadFile(c.file)
		if err != nil {
			t.Fatal(err)
		}
		f := newFixture(t)
		res, err := f.im.Import(context.Background(), bytes.NewReader(in), Defaults{})
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		if res.Imported != 2 || len(res.Errors) != 0 || res.Channel != event.ChannelWebinar || res.ChannelFrom != FromReport {
			t.Errorf("%s: %+v", c.file, res)
		}
		p, err := f.dir.ByEmail(context.Background(), c.email)
		if err != nil || p.Source != "offline:webinar" {
			t.Errorf("%s: %+v %v", c.file, p, err)
		}
		_, _, evs := touchesOf(t, f, c.email)
		if len(evs) != 1 || evs[0].Properties["channel"] != event.ChannelWebinar {
			t.Fatalf("%s: %+v", c.file, evs)
		}
		if tc, ok := qualify.TouchOf(evs[0]); !ok || tc.Channel != "webinar" || tc.Medium != "offline" {
			t.Errorf("%s: the touch attributed %+v %v", c.file, tc, ok)
		}

		// The query's channel is the touches', and said so.
		f = newFixture(t)
		res, err = f.im.Import(context.Background(), bytes.NewReader(in), Defaults{Channel: "セミナー"})
		if err != nil || res.Channel != event.ChannelSeminar || res.ChannelFrom != FromQuery {
			t.Fatalf("%s: %+v %v", c.file, res, err)
		}
		if _, _, evs := touchesOf(t, f, c.email); len(evs) != 1 || evs[0].Properties["channel"] != event.ChannelSeminar {
			t.Errorf("%s: %+v", c.file, evs)
		}
	}
	// A Zoom meeting's participants (join and leave times, no time in
	// session) are a webinar's too.
	f := newFixture(t)
	res, err := f.im.Import(context.Background(), strings.NewReader("Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\r\n"+
		"Ken,ken@client.example,11/06/2026 01:58:40 PM,11/06/2026 03:30:11 PM,92\r\n"), Defaults{Event: "Weekly demo", Date: "2026-11-06"})
	if err != nil || res.Imported != 1 || res.Channel != event.ChannelWebinar || res.ChannelFrom != FromReport {
		t.Errorf("%+v %v", res, err)
	}
	// A list that is no such report still needs its channel.
	_, err = f.im.Import(context.Background(), strings.NewReader("email,event,date\r\na@client.example,Expo,2026-11-01\r\n"), Defaults{})
	var fe *FileError
	if !errors.As(err, &fe) || !strings.Contains(fe.Msg, "channel") {
		t.Errorf("%v", err)
	}
}

// TestReportMinutesScore: the minutes of Zoom's report, stored on the
// touch and read back from the store, are what a rule's min_minutes
// compares: 山田 attended 42 and 48 minutes (one touch of 90), 髙橋 89, so
// "a webinar attended for 90 minutes or more" is 山田's alone; each of
// 山田's sessions alone would not have reached it.
func TestReportMinutesScore(t *testing.T) {
	in, err := os.ReadFile("testdata/zoom_attendee_report_ja.csv")
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t)
	if _, err := f.im.Import(context.Background(), bytes.NewReader(in), Defaults{}); err != nil {
		t.Fatal(err)
	}
	r, err := rulebook.Parse("rules.yaml", []byte("behaviour:\n  - {name: webinar-90, type: offline, channel: webinar, min_minutes: 90, points: 15}\nmql: [{name: x, min_behaviour: 1000}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	e := &rulebook.Engine{R: r}
	for email, want := range map[string]int{"taro.yamada@client.example": 1, "hanako@sample-kogyo.example": 0} {
		_, _, evs := touchesOf(t, f, email)
		_, cs, err := e.Apply(nil, evs, now)
		if err != nil || len(cs) != want {
			t.Errorf("%s (%v): %+v %v", email, evs[0].Properties["minutes"], cs, err)
		}
	}
}
