package offline

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/rulebook"
)

// TestOverlappingSessionsAreCountedOnce: a person in the webinar on a PC
// and a phone at once has a row for each; their minutes were summed (60 +
// 55 = 115 of a 60-minute webinar), which met min_minutes: 90 and went to
// the SFA. With join and leave times, the union of the sessions counts
// (a session overlapping none its own minutes); without, the sum is at
// most the report's length when its summary states it, else the sum.
func TestOverlappingSessionsAreCountedOnce(t *testing.T) {
	const summary = "出席者レポート\nトピック,実際の開始時間,実際の所要時間（分）\n製造業DXウェビナー 第4回,2026/11/05 13:00,60\n\n出席者の詳細\n"
	for _, c := range []struct {
		name, in string
		want     string
	}{
		{"union", "メール,参加時間,退出時間,セッション時間（分）\n" +
			"a@client.example,2026/11/05 13:00:00,2026/11/05 14:00:00,60\n" +
			"a@client.example,2026/11/05 13:05:10,2026/11/05 14:00:00,55\n", "60"},
		{"union, then a rejoin apart", "Email,Join Time,Leave Time,Time in Session (minutes)\n" +
			"a@client.example,\"Nov 05, 2026 01:00:00 PM\",\"Nov 05, 2026 01:30:00 PM\",30\n" +
			"a@client.example,\"Nov 05, 2026 01:10:00 PM\",\"Nov 05, 2026 01:40:30 PM\",31\n" +
			"a@client.example,\"Nov 05, 2026 01:50:00 PM\",\"Nov 05, 2026 02:00:00 PM\",10\n", "51"},
		{"apart, summed", "メール,参加時間,退出時間,セッション時間（分）\n" +
			"a@client.example,2026/11/05 13:00:00,2026/11/05 13:30:00,30\n" +
			"a@client.example,2026/11/05 13:30:00,2026/11/05 14:00:00,30\n", "60"},
		{"no times: at most the report's length", summary + "メール,セッション時間（分）\na@client.example,60\na@client.example,55\n", "60"},
		{"a time unreadable: at most the report's length", summary + "メール,参加時間,退出時間,セッション時間（分）\n" +
			"a@client.example,2026/11/05 13:00:00,--,60\na@client.example,2026/11/05 13:05:00,2026/11/05 14:00:00,55\n", "60"},
		{"no times, no length: the sum", "メール,セッション時間（分）\na@client.example,60\na@client.example,55\n", "115"},
	} {
		f := newFixture(t)
		res, err := f.im.Import(context.Background(), strings.NewReader(c.in), Defaults{Channel: "webinar", Event: "DX 第4回", Date: "2026-11-05"})
		if err != nil || res.Imported != 1 || len(res.Errors) != 0 {
			t.Fatalf("%s: %+v %v", c.name, res, err)
		}
		_, _, evs := touchesOf(t, f, "a@client.example")
		if len(evs) != 1 || fmt.Sprint(evs[0].Properties["minutes"]) != c.want {
			t.Errorf("%s: minutes %v, want %s", c.name, evs[0].Properties["minutes"], c.want)
		}
		if c.want != "60" {
			continue
		}
		r, err := rulebook.Parse("rules.yaml", []byte("behaviour:\n  - {name: webinar-90, type: offline, min_minutes: 90, points: 15}\nmql: [{name: x, min_behaviour: 1000}]\n"))
		if err != nil {
			t.Fatal(err)
		}
		if _, cs, err := (&rulebook.Engine{R: r}).Apply(nil, evs, now); err != nil || len(cs) != 0 {
			t.Errorf("%s: a 60-minute webinar met min_minutes 90: %+v %v", c.name, cs, err)
		}
	}
}

// TestReportMinutesReplaceTheStoredOnes: the touch's id is its email,
// event and day, so a report imported after the registrants' list (or
// imported again corrected) repeated the touch without its minutes: none
// were stored, or the first report's stayed. The report's minutes now
// replace them, counted in updated; a list without minutes keeps them.
func TestReportMinutesReplaceTheStoredOnes(t *testing.T) {
	f := newFixture(t)
	def := Defaults{Channel: "webinar", Event: "製造業DXウェビナー 第3回", Date: "2026-11-05"}
	for _, c := range []struct {
		name, in                    string
		imported, updated, repeated int
		minutes                     string
	}{
		{"registrants", "メールアドレス\na@client.example\n", 1, 0, 0, "<nil>"},
		{"report", "メール,セッション時間（分）\na@client.example,42\na@client.example,48\n", 0, 1, 1, "90"},
		{"report again", "メール,セッション時間（分）\na@client.example,42\na@client.example,48\n", 0, 0, 2, "90"},
		{"report corrected", "メール,セッション時間（分）\na@client.example,45\n", 0, 1, 0, "45"},
		{"registrants again", "メールアドレス\na@client.example\n", 0, 0, 1, "45"},
	} {
		res, err := f.im.Import(context.Background(), strings.NewReader(c.in), def)
		if err != nil || res.Imported != c.imported || res.Updated != c.updated || res.Repeated != c.repeated {
			t.Errorf("%s: %+v %v", c.name, res, err)
		}
		if _, _, evs := touchesOf(t, f, "a@client.example"); len(evs) != 1 || fmt.Sprint(evs[0].Properties["minutes"]) != c.minutes {
			t.Errorf("%s: %+v, want minutes %s", c.name, evs, c.minutes)
		}
	}
}
