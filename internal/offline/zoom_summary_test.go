package offline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/csvin"
	"github.com/baton-hq/baton/internal/event"
)

// touchesOf returns the person's offline touches.
func touchesOf(t *testing.T, f fixture, email string) (map[string]string, map[string]string, []event.Event) {
	t.Helper()
	ctx := context.Background()
	p, err := f.dir.ByEmail(ctx, email)
	if err != nil {
		t.Fatalf("%s: %v", email, err)
	}
	evs, err := f.log.Visitor(ctx, Visitor(p.ID))
	if err != nil {
		t.Fatal(err)
	}
	return p.Attributes, p.Custom, evs
}

// TestZoomReportNamesItsEventAndDay: a Zoom report imported with the
// channel alone takes its event's name and day from its summary (トピック
// / Topic, 実際の開始時間 / Actual Start Time), and the answer says so; the
// report was refused, missing event and date. The day is the start's date
// as written, in the workspace's zone, as a date column's.
func TestZoomReportNamesItsEventAndDay(t *testing.T) {
	for _, c := range []struct{ file, event, email string }{
		{"testdata/zoom_attendee_report_ja.csv", "製造業DXウェビナー 第3回", "taro.yamada@client.example"},
		{"testdata/zoom_attendee_report_en.csv", "Cloud Cost Clinic", "ken.ito@client.example"}, // Nov 06, 2026 1:58 PM
	} {
		in, err := os.ReadFile(c.file)
		if err != nil {
			t.Fatal(err)
		}
		f := newFixture(t)
		res, err := f.im.Import(context.Background(), bytes.NewReader(in), Defaults{Channel: "webinar"})
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		if res.Imported != 2 || len(res.Errors) != 0 || res.Event != c.event || res.EventFrom != "report" || res.Date != "2026-11-06" || res.DateFrom != "report" {
			t.Errorf("%s: %+v", c.file, res)
		}
		_, _, evs := touchesOf(t, f, c.email)
		if len(evs) != 1 || evs[0].Properties["event"] != c.event || !evs[0].Timestamp.Equal(time.Date(2026, 11, 6, 0, 0, 0, 0, tokyo)) ||
			evs[0].ID != EventID(c.email, c.event, "2026-11-06") {
			t.Errorf("%s: %+v", c.file, evs)
		}
	}
}

// TestQueryWinsOverTheReport: the query's event and date are the touch's,
// whatever the report's summary says, and the answer says they were the
// query's; given one, the other still comes from the report.
func TestQueryWinsOverTheReport(t *testing.T) {
	in, err := os.ReadFile("testdata/zoom_attendee_report_ja.csv")
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t)
	res, err := f.im.Import(context.Background(), bytes.NewReader(in), Defaults{Event: "DX 第3回", Date: "2026/11/5", Channel: "webinar"})
	if err != nil || res.Event != "DX 第3回" || res.EventFrom != "query" || res.Date != "2026-11-05" || res.DateFrom != "query" {
		t.Fatalf("%+v %v", res, err)
	}
	_, _, evs := touchesOf(t, f, "hanako@sample-kogyo.example")
	if len(evs) != 1 || evs[0].Properties["event"] != "DX 第3回" || !evs[0].Timestamp.Equal(time.Date(2026, 11, 5, 0, 0, 0, 0, tokyo)) {
		t.Errorf("%+v", evs)
	}
	f = newFixture(t)
	res, err = f.im.Import(context.Background(), bytes.NewReader(in), Defaults{Event: "DX 第3回", Channel: "webinar"})
	if err != nil || res.EventFrom != "query" || res.Date != "2026-11-06" || res.DateFrom != "report" {
		t.Errorf("%+v %v", res, err)
	}
	// A plain list has no summary: nothing is said to come from a report.
	res, err = f.im.Import(context.Background(), strings.NewReader("email,event,date\r\na@client.example,Expo,2026-11-01\r\n"), Defaults{Channel: "展示会"})
	if err != nil || res.Event != "" || res.EventFrom != "" || res.DateFrom != "" || res.Imported != 1 {
		t.Errorf("%+v %v", res, err)
	}
}

// zoomReport is a Zoom report with its summary's start time.
func zoomReport(start string) string {
	return "Attendee Report,,,\r\nTopic,Webinar ID,Actual Start Time,Actual Duration (minutes)\r\n" +
		"Cloud Cost Clinic,845 9876 5432,\"" + start + "\",95\r\nAttendee Details,,,\r\n" +
		"Attended,First Name,Email,Time in Session (minutes)\r\nYes,Ken,ken@client.example,92\r\n"
}

// TestReportDayIsChecked: the day a report gives is checked as the
// query's is: one after the (injected) clock's today refuses the rows; a
// start time that is no date is refused naming it.
func TestReportDayIsChecked(t *testing.T) {
	f := newFixture(t) // 2026-11-06 08:00 in Tokyo
	res, err := f.im.Import(context.Background(), strings.NewReader(zoomReport("Nov 07, 2026 1:58 PM")), Defaults{Channel: "webinar"})
	if err != nil || res.Imported != 0 || len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Reason, "2026-11-07 is in the future") || res.DateFrom != "report" {
		t.Errorf("%+v %v", res, err)
	}
	_, err = f.im.Import(context.Background(), strings.NewReader(zoomReport("TBD")), Defaults{Channel: "webinar"})
	var fe *FileError
	if !errors.As(err, &fe) || !strings.Contains(fe.Msg, "date (日付) or ?date=") || !strings.Contains(fe.Msg, `the report's Actual Start Time "TBD"`) {
		t.Errorf("%v", err)
	}
	// With ?date= the report's is not read.
	if res, err := f.im.Import(context.Background(), strings.NewReader(zoomReport("TBD")), Defaults{Channel: "webinar", Date: "2026-11-06"}); err != nil || res.Imported != 1 {
		t.Errorf("%+v %v", res, err)
	}
}

// TestReportDay: a start time without its zone is its date as written, a
// day in the workspace's zone; one that says its zone is that instant, on
// its day in the workspace's zone.
func TestReportDay(t *testing.T) {
	ny := time.FixedZone("EST", -5*3600)
	for _, c := range []struct {
		in   string
		loc  *time.Location
		want string
	}{
		{"2026/11/06 13:58", tokyo, "2026-11-06"},
		{"Nov 06, 2026 13:58:40", tokyo, "2026-11-06"},
		{"Nov 05, 2026 11:30 PM", tokyo, "2026-11-05"},
		{"Nov 05, 2026 11:30 PM", ny, "2026-11-05"},
		{"November 5, 2026 11:30 PM", time.UTC, "2026-11-05"},
		{"Nov 05, 2026 11:30 PM GMT-5", tokyo, "2026-11-06"},
		{"Nov 05, 2026 11:30 PM (GMT-05:00)", tokyo, "2026-11-06"},
		{"2026/11/06 08:30 GMT+9", time.UTC, "2026-11-05"},
		{"2026-11-06T08:30:00+09:00", ny, "2026-11-05"},
		{"2026/11/06 08:30 UTC", tokyo, "2026-11-06"},
		{"2026/11/06 20:30 UTC", tokyo, "2026-11-07"},
		{"２０２６/１１/０６ １３:５８", tokyo, "2026-11-06"},
	} {
		d, err := ReportDay(c.in, c.loc)
		if err != nil || d.Format("2006-01-02") != c.want || d.Location() != c.loc || d.Hour() != 0 {
			t.Errorf("%q in %v: %v %v, want %s", c.in, c.loc, d, err, c.want)
		}
	}
	for _, in := range []string{"TBD", "", "Nov 05, 2026 11:30 PM GMT+15", "Nov 05 11:30 PM GMT", "1999/12/31 23:00 GMT+9", "2026/11/06 25:00 GMT"} {
		if d, err := ReportDay(in, tokyo); err == nil {
			t.Errorf("%q read as %v", in, d)
		}
	}
}

// TestSessionColumnsAreNoAttributes: a Zoom report's columns of the
// attendance (参加時間, 退出時間, セッション時間（分）, 登録時間,
// 承認ステータス, ゲスト, ユーザー名（元の名前）, 国/地域名, and their
// English) were stored as attributes of the person, and so went to the
// SFA. They are none; the minutes are the touch's, a rejoin's summed
// (山田 42 + 48); the registration's own columns (会社名, 役職) stay the
// person's.
func TestSessionColumnsAreNoAttributes(t *testing.T) {
	for _, c := range []struct {
		file  string
		def   Defaults
		email string
		want  string
		keep  string
	}{
		{"testdata/zoom_attendee_report_ja.csv", webinar, "taro.yamada@client.example", "90", "情報システム部長"},
		{"testdata/zoom_attendee_report_ja.csv", webinar, "hanako@sample-kogyo.example", "89", "課長"},
		{"testdata/zoom_attendee_report_en.csv", Defaults{Channel: "webinar"}, "ken.ito@client.example", "95", ""},
		{"testdata/zoom_attendee_report_en.csv", Defaults{Channel: "webinar"}, "mia.chen@vendor.example", "89", ""},
	} {
		in, err := os.ReadFile(c.file)
		if err != nil {
			t.Fatal(err)
		}
		f := newFixture(t)
		if _, err := f.im.Import(context.Background(), bytes.NewReader(in), c.def); err != nil {
			t.Fatal(err)
		}
		attrs, custom, evs := touchesOf(t, f, c.email)
		for k := range custom {
			switch csvin.Header(k) {
			case "参加時間", "退出時間", "セッション時間(分)", "登録時間", "承認ステータス", "ゲスト", "ユーザー名(元の名前)", "国/地域名",
				"join time", "leave time", "time in session (minutes)", "registration time", "approval status", "is guest", "user name (original name)", "country/region name":
				t.Errorf("%s: %q became an attribute: %v", c.email, k, custom)
			}
		}
		for k, v := range attrs {
			if strings.Contains(v, "2026") || v == "Japan" || v == "Singapore" || v == "approved" || v == "承認済み" {
				t.Errorf("%s: attribute %s=%q is the session's", c.email, k, v)
			}
		}
		if c.keep != "" && attrs["title"] != c.keep {
			t.Errorf("%s: attributes %v", c.email, attrs)
		}
		if len(evs) != 1 || fmt.Sprint(evs[0].Properties["minutes"]) != c.want {
			t.Errorf("%s: touch %+v, want %s minutes", c.email, evs, c.want)
		}
	}
}

// TestRejoinWithoutMinutes: a list without the minutes' column stores no
// minutes; a rejoin whose one row says none counts the other's.
func TestRejoinWithoutMinutes(t *testing.T) {
	f := newFixture(t)
	res, err := f.im.Import(context.Background(), strings.NewReader("email,参加時間\r\na@client.example,2026/11/06 13:58\r\n"), webinar)
	if err != nil || res.Imported != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	if _, custom, evs := touchesOf(t, f, "a@client.example"); len(evs) != 1 || evs[0].Properties["minutes"] != nil || len(custom) != 0 {
		t.Errorf("%v %+v", custom, evs)
	}
	res, err = f.im.Import(context.Background(), strings.NewReader("email,セッション時間（分）\r\nb@client.example,--\r\nb@client.example,１２\r\n"), webinar)
	if err != nil || res.Rows != 2 || res.Imported != 1 || res.Repeated != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	if _, _, evs := touchesOf(t, f, "b@client.example"); len(evs) != 1 || fmt.Sprint(evs[0].Properties["minutes"]) != "12" {
		t.Errorf("%+v", evs)
	}
}

// TestEnglishDates: Zoom's English reports write Nov 06, 2026 13:58:40 (or
// 1:58 PM); a date column or ?date= so written is that day.
func TestEnglishDates(t *testing.T) {
	for _, in := range []string{"Nov 06, 2026", "Nov 6, 2026", "nov 06, 2026 13:58:40", "Nov 06, 2026 1:58 PM", "November 6, 2026", "Nov 06, 2026 (Fri)"} {
		if d, err := ParseDate(in, tokyo); err != nil || !d.Equal(time.Date(2026, 11, 6, 0, 0, 0, 0, tokyo)) {
			t.Errorf("%q: %v %v", in, d, err)
		}
	}
	for _, in := range []string{"Nov 06 2026", "06 Nov, 2026", "Nov 31, 2026", "Nov 06, 2026 (Thu)"} {
		if d, err := ParseDate(in, tokyo); err == nil {
			t.Errorf("%q read as %v", in, d)
		}
	}
}

// TestSummaryWithoutValues: a summary's header followed by the next
// section's title (no values row) names no event: the title is not taken
// for the topic, and the report needs ?event=.
func TestSummaryWithoutValues(t *testing.T) {
	f := newFixture(t)
	in := "Attendee Report\r\nTopic,Webinar ID,Actual Start Time\r\nHost Details,,\r\nAttended,Email\r\nYes,h@baton-demo.example\r\nAttendee Details,,\r\nAttended,Email\r\nYes,a@client.example\r\n"
	_, err := f.im.Import(context.Background(), strings.NewReader(in), Defaults{Channel: "webinar", Date: "2026-11-06"})
	var fe *FileError
	if !errors.As(err, &fe) || !strings.Contains(fe.Msg, "event (イベント名) or ?event=") {
		t.Errorf("%v", err)
	}
}
