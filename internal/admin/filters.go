package admin

import (
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/width"

	"github.com/baton-hq/baton/internal/calendar"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/rulebook"
)

// badParam is a list's query parameter it cannot filter by: which one and
// what it allows. A list never drops such a filter (its answer would look
// filtered and be everything): a JSON or CSV client gets a 400 naming the
// parameter, a page shows the message with status 400 and no results.
type badParam struct{ Field, Msg string }

func (e *badParam) Error() string { return e.Msg }

// refuse answers a JSON or CSV client's bad parameter.
func (e *badParam) refuse(w http.ResponseWriter) {
	httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: e.Msg, Field: e.Field})
}

// allGrades are every grade a verdict can have (rulebook: A to C by the
// rules' thresholds, D below them).
var allGrades = []string{"A", "B", "C", rulebook.BelowGrades}

// gradeChoices are a grade filter's choices: the rules' grades, the one
// below them all (people graded D could not be chosen: the rules never
// name it), and those given (seen on the page, or chosen).
func (h *Handler) gradeChoices(seen ...string) []string {
	grades := map[string]bool{rulebook.BelowGrades: true}
	if h.Lab != nil && h.Lab.Rules != nil {
		for _, g := range h.Lab.Rules.Grades {
			grades[g.Grade] = true
		}
	}
	for _, g := range seen {
		grades[g] = true
	}
	delete(grades, "")
	return sortedKeys(grades)
}

// once refuses any of names given more than once: a list filters by one
// value each, and would use the first and drop the rest.
func once(q url.Values, names ...string) *badParam {
	for _, k := range names {
		if n := len(q[k]); n > 1 {
			return &badParam{k, k + " is given " + strconv.Itoa(n) + " times: give it once"}
		}
	}
	return nil
}

// notText refuses a parameter or form field whose name or value is not
// UTF-8 (?q=%ff, a Shift_JIS word percent-encoded by hand): a page showing
// it again (the search box, a filter's value) would not be UTF-8 either.
// A browser's address bar and forms send UTF-8; any other encoding is said
// to be one, not guessed at nor turned into U+FFFD, which would search or
// filter for something no one typed.
func notText(vs url.Values) *badParam {
	for _, k := range slices.Sorted(maps.Keys(vs)) {
		if !utf8.ValidString(k) {
			return &badParam{strings.ToValidUTF8(k, "\uFFFD"), "a parameter's name is not UTF-8 text: give it in UTF-8 (another encoding, such as Shift_JIS, cannot be read)"}
		}
		for _, v := range vs[k] {
			if !utf8.ValidString(v) {
				return &badParam{k, k + " is not UTF-8 text: give it in UTF-8 (another encoding, such as Shift_JIS, cannot be read)"}
			}
		}
	}
	return nil
}

// link is a labelled link of a page.
type link struct{ Label, Href string }

// onceLinks are the page at path with q's repeated parameter name given
// once, one link for each of its values (at most 10; the first value
// first, an empty one shown as such), every other parameter kept. Each
// link starts "./": the path's last segment is the requester's to write
// (/admin/people/http:evil.example?q=a&q=b), and a segment with a colon
// as the link's start is a scheme, which a browser on an https Baton
// followed to http://evil.example/.
func onceLinks(path string, q url.Values, name string) []link {
	var out []link
	seen := map[string]bool{}
	for _, v := range q[name] {
		if seen[v] || len(out) == 10 {
			continue
		}
		seen[v] = true
		one := url.Values{}
		for k, vs := range q {
			one[k] = vs
		}
		one[name] = []string{v}
		out = append(out, link{Label: name + "=" + v, Href: "./" + path[strings.LastIndex(path, "/")+1:] + "?" + one.Encode()})
	}
	return out
}

// oneOf refuses q's name unless it is absent, empty or one of allowed.
func oneOf(q url.Values, name string, allowed []string) *badParam {
	if v := q.Get(name); v != "" && !slices.Contains(allowed, v) {
		return &badParam{name, name + " must be one of " + strings.Join(allowed, ", ")}
	}
	return nil
}

// dayRange reads ?from= and ?to=, dates (2026-11-01) in loc, as the
// instants a list keeps: from's start, and the end of to's whole day (the
// next day's start). A missing one is zero.
func dayRange(q url.Values, loc *time.Location) (from, to time.Time, bad *badParam) {
	for _, p := range []struct {
		k string
		t *time.Time
	}{{"from", &from}, {"to", &to}} {
		if v := q.Get(p.k); v != "" {
			t, err := calendar.ParseDay(v, loc) // the day's first instant, where the clocks skip midnight too
			if err == nil && t.Year() < 1 {
				err = errors.New("year 0") // before Go's zero time: "to 0000-01-01" ended before any "from"
			}
			if err != nil {
				return from, to, &badParam{p.k, p.k + " must be a date like 2026-11-01"}
			}
			*p.t = t
		}
	}
	if !to.IsZero() {
		to = calendar.NextDayStart(to, loc) // the whole last day
		if !from.IsZero() && !from.Before(to) {
			return from, to, &badParam{"to", "to must not be before from"} // as the reports say it
		}
	}
	return from, to, nil
}

// formInt reads a whole number typed into a form or a URL. A Japanese IME
// types digits (and the minus) full width, ３０ and －５, which strconv
// refuses: they are read as their ASCII (width.Narrow), and spaces around
// the number, an ideographic one too, are ignored.
func formInt(s string) (int, error) {
	return strconv.Atoi(strings.TrimSpace(width.Narrow.String(s)))
}

// whole reads q's name as a whole number from lo to hi (def when absent).
func whole(q url.Values, name string, def, lo, hi int) (int, *badParam) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := formInt(v)
	if err != nil || n < lo || n > hi {
		return def, &badParam{name, name + " must be a whole number from " + strconv.Itoa(lo) + " to " + strconv.Itoa(hi)}
	}
	return n, nil
}
