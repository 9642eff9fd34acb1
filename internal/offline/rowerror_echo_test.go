package offline

import (
	"context"
	"strings"
	"testing"
)

// TestRowErrorsEchoABoundedValue: a row's reason quotes the value it
// refuses (the email, date or channel cell), and quoted it whole: a 20 MB
// list of 2,000 rows whose cells are 10,000 '<' each was answered with
// 119 MB of JSON (%q, then \u003c: six bytes a byte), held in memory
// whole. Each reason says a bounded part of the value.
func TestRowErrorsEchoABoundedValue(t *testing.T) {
	f := newFixture(t)
	long := strings.Repeat("<", 10_000)
	csv := "email,event,date,channel\r\n" +
		long + ",ev,2026-11-01,seminar\r\n" +
		"a@example.co.jp,ev," + long + ",seminar\r\n" +
		"b@example.co.jp,ev,2026-11-01," + long + "\r\n"
	res, err := f.im.Import(context.Background(), strings.NewReader(csv), Defaults{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) != 3 {
		t.Fatalf("%d row errors, want 3: %+v", len(res.Errors), res.Errors)
	}
	for _, e := range res.Errors {
		if len(e.Reason) > 1000 {
			t.Errorf("line %d: a reason of %d bytes (%.60s...)", e.Line, len(e.Reason), e.Reason)
		}
	}
}
