package stack_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/clock"
)

// TestTimelinePages: a person's timeline read a page at a time with the
// cursor covers every event once, newest first; bad input is a JSON 400.
func TestTimelinePages(t *testing.T) {
	clk := clock.NewManual(time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC))
	s := stack.ForTestClock(t, nil, clk.Now)
	const vid = "timeline-visitor-1"
	for i := range 5 {
		clk.Advance(time.Minute)
		body := `{"type":"page_view","messageId":"tl-` + strconv.Itoa(i) + `","anonymousId":"` + vid + `","properties":{"url":"https://www.example.com/page-` + strconv.Itoa(i) + `"}}`
		if resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(body)); err != nil || resp.StatusCode != 204 {
			t.Fatalf("event %d: %v %v", i, err, resp)
		}
	}
	clk.Advance(time.Minute)
	p := qualifyOne(t, s, vid, "timeline@maker.example") // three more events, the form last
	code, b := do(t, "GET", s.URL+"/admin/people/"+p, token, "")
	var whole struct{ Timeline []struct{ ID string } }
	if code != 200 || json.Unmarshal(b, &whole) != nil || len(whole.Timeline) != 8 {
		t.Fatalf("person: %d %s", code, b)
	}
	var got []string
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 4 {
			t.Fatal("the cursor never ended")
		}
		code, b := do(t, "GET", s.URL+"/admin/people/"+p+"/timeline?limit=3&cursor="+cursor, token, "")
		var page struct {
			Events []struct{ ID string }
			Limit  int
			Next   string
		}
		if code != 200 || json.Unmarshal(b, &page) != nil || page.Limit != 3 || len(page.Events) > 3 {
			t.Fatalf("page %d: %d %s", pages, code, b)
		}
		for _, e := range page.Events {
			got = append(got, e.ID)
		}
		if page.Next == "" {
			break
		}
		cursor = page.Next
	}
	var want []string
	for _, e := range whole.Timeline {
		want = append(want, e.ID)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") || !strings.HasSuffix(want[0], "-3") {
		t.Fatalf("paged %v, whole %v (newest first: the form)", got, want)
	}
	for _, c := range []struct {
		path  string
		code  int
		field string
	}{
		{"/admin/people/" + p + "/timeline?limit=0", 400, "limit"},
		{"/admin/people/" + p + "/timeline?limit=many", 400, "limit"},
		{"/admin/people/" + p + "/timeline?limit=501", 400, "limit"},
		{"/admin/people/" + p + "/timeline?cursor=not-a-cursor", 400, "cursor"},
		{"/admin/people/p_000000000000000000000000/timeline", 404, ""},
	} {
		code, b := do(t, "GET", s.URL+c.path, token, "")
		if code != c.code || !strings.Contains(string(b), `"error"`) || (c.field != "" && !strings.Contains(string(b), `"field":"`+c.field+`"`)) {
			t.Errorf("%s: %d %s", c.path, code, b)
		}
	}
}
