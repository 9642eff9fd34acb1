package offline

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestZonedDateIsItsInstant: an SFA's or MA tool's export dates a touch
// with an instant (2026-10-31T15:30:00.000Z, 2026-10-31 15:30:00 UTC); the
// time was cut and the touch filed on Oct 31 as written, while in Tokyo it
// is Nov 1, and November's funnel missed it. A time that says its zone is
// that instant, on its day in the configured zone; one that does not is
// the date as written, as before.
func TestZonedDateIsItsInstant(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"2026-10-31T15:30:00.000Z", "2026-11-01"},
		{"2026-10-31T15:30:00Z", "2026-11-01"},
		{"2026-10-31T14:59:59.999Z", "2026-10-31"},
		{"2026-10-31 15:30:00 UTC", "2026-11-01"},
		{"2026/10/31 15:30 GMT", "2026-11-01"},
		{"2026-10-31T15:30:00.000+00:00", "2026-11-01"},
		{"2026-10-31T23:30:00+09:00", "2026-10-31"},
		{"2026-10-31 10:30:00 -0500", "2026-11-01"},
		{"2026-10-31 10:30 -0500", "2026-11-01"},
		{"2026-10-31 23:30 +0900", "2026-10-31"},
		{"2026/10/31 23:30 JST", "2026-10-31"},
		{"2026年10月31日 15:30 UTC", "2026-11-01"},
		{"2026/10/31(土) 15:30 UTC", "2026-11-01"}, // the weekday is the date's as written
		{"２０２６-１０-３１Ｔ１５:３０:００Ｚ", "2026-11-01"},
		// No zone: the date as written, whatever the time.
		{"2026-10-31T15:30:00", "2026-10-31"},
		{"2026-10-31 15:30:00", "2026-10-31"},
		{"2026/10/31 23:59", "2026-10-31"},
		// A time range is no zone: 10:00 to 12:00, not 10:00 at UTC-12.
		{"2026/10/31 10:00-12:00", "2026-10-31"},
		{"2026/10/31 10:00 - 12:00", "2026-10-31"},
	} {
		d, err := ParseDate(c.in, tokyo)
		if err != nil || d.Format("2006-01-02") != c.want || d.Location() != tokyo || !d.Equal(time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, tokyo)) {
			t.Errorf("%q: %v %v, want %s", c.in, d, err, c.want)
		}
	}
	// Midnight UTC to the second is a date a tool wrote as a time: the
	// date as written in any zone, not the day before west of UTC.
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ in, want string }{
		{"2026-10-31T00:00:00.000Z", "2026-10-31"},
		{"2026-10-31T00:00:00Z", "2026-10-31"},
		{"2026-10-31T00:00:01Z", "2026-10-30"}, // a time after all: its instant
		{"2026-10-31T03:00:00Z", "2026-10-30"},
	} {
		if d, err := ParseDate(c.in, newYork); err != nil || d.Format("2006-01-02") != c.want {
			t.Errorf("New York, %q: %v %v, want %s", c.in, d, err, c.want)
		}
	}
	for _, in := range []string{"2026/10/31(金) 15:30 UTC", "1999-12-31T23:00:00+09:00", "2026-10-31T15:30:00+15:00", "2026-10-31 UTC", "2026-10-31T25:30:00Z"} {
		if d, err := ParseDate(in, tokyo); err == nil {
			t.Errorf("%q read as %v", in, d)
		}
	}

	// Imported: the row is filed on Nov 1 in Tokyo, the day its id and
	// timestamp say.
	f := newFixture(t) // 2026-11-06 in Tokyo
	in := "email,event,date,channel\r\n" +
		"sfa@client.example,Japan IT Week 秋,2026-10-31T15:30:00.000Z,exhibition\r\n" +
		"ma@client.example,Japan IT Week 秋,2026-10-31 15:30:00 UTC,exhibition\r\n" +
		"plain@client.example,Japan IT Week 秋,2026-10-31 15:30:00,exhibition\r\n"
	res, err := f.im.Import(context.Background(), strings.NewReader(in), Defaults{})
	if err != nil || res.Imported != 3 || len(res.Errors) != 0 {
		t.Fatalf("%+v %v", res, err)
	}
	for email, want := range map[string]string{"sfa@client.example": "2026-11-01", "ma@client.example": "2026-11-01", "plain@client.example": "2026-10-31"} {
		_, _, evs := touchesOf(t, f, email)
		if len(evs) != 1 || evs[0].Timestamp.In(tokyo).Format("2006-01-02") != want || evs[0].ID != EventID(email, "Japan IT Week 秋", want) {
			t.Errorf("%s: %+v, want the touch on %s", email, evs, want)
		}
	}
}

// TestZonedListImportedBeforeIsRepeated: a list whose times say their zone,
// imported before they were read as instants, stored its 15:30 UTC rows on
// the date as written (Oct 31); imported again, each row was a new touch
// on Nov 1, counted twice. It repeats the touch stored then; a person
// without it gets the touch on its day now.
func TestZonedListImportedBeforeIsRepeated(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	// What an import before this stored: the row on the date as written
	// (the same id and day an unzoned time gives).
	before := "email,event,date,channel\r\nsfa@client.example,Japan IT Week 秋,2026-10-31 15:30:00,exhibition\r\n"
	if res, err := f.im.Import(ctx, strings.NewReader(before), Defaults{}); err != nil || res.Imported != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	again := "email,event,date,channel\r\n" +
		"sfa@client.example,Japan IT Week 秋,2026-10-31T15:30:00.000Z,exhibition\r\n" +
		"new@client.example,Japan IT Week 秋,2026-10-31T15:30:00.000Z,exhibition\r\n"
	res, err := f.im.Import(ctx, strings.NewReader(again), Defaults{})
	if err != nil || res.Imported != 1 || res.Repeated != 1 || len(res.Errors) != 0 {
		t.Fatalf("imported again: %+v %v", res, err)
	}
	for email, want := range map[string]string{"sfa@client.example": "2026-10-31", "new@client.example": "2026-11-01"} {
		if _, _, evs := touchesOf(t, f, email); len(evs) != 1 || evs[0].Timestamp.In(tokyo).Format("2006-01-02") != want {
			t.Errorf("%s: %+v, want one touch on %s", email, evs, want)
		}
	}
	// And a third time: nothing new.
	if res, err := f.im.Import(ctx, strings.NewReader(again), Defaults{}); err != nil || res.Imported != 0 || res.Repeated != 2 {
		t.Fatalf("a third time: %+v %v", res, err)
	}
}

// TestDateWhereTheClocksSkipMidnight: in Santiago the clocks go from
// 23:59:59 on 2026-09-05 to 01:00 on 09-06. A touch dated 09-06 (Sunday)
// was made 23:00 of Saturday 09-05: filed on the day before, and a row
// that wrote its weekday, 2026/9/6(日), refused as a Saturday. It is the
// day's first instant, 01:00; New York's and London's days of a clock
// change start at midnight as before.
func TestDateWhereTheClocksSkipMidnight(t *testing.T) {
	for _, c := range []struct{ zone, in, want string }{
		{"America/Santiago", "2026-09-06", "2026-09-06T01:00:00-03:00"},
		{"America/Santiago", "2026/9/6(日)", "2026-09-06T01:00:00-03:00"},
		{"America/Santiago", "2026-09-06T15:00:00Z", "2026-09-06T01:00:00-03:00"},
		{"America/Santiago", "2026-09-05", "2026-09-05T00:00:00-04:00"},
		{"America/New_York", "2026-03-08", "2026-03-08T00:00:00-05:00"},
		{"America/New_York", "2026/11/1(Sun)", "2026-11-01T00:00:00-04:00"},
		{"Europe/London", "2026-10-25", "2026-10-25T00:00:00+01:00"},
	} {
		loc, err := time.LoadLocation(c.zone)
		if err != nil {
			t.Fatal(err)
		}
		d, err := ParseDate(c.in, loc)
		if err != nil || d.Format(time.RFC3339) != c.want || d.Location() != loc {
			t.Errorf("%s, %q: %v %v, want %s", c.zone, c.in, d, err, c.want)
		}
	}
}
