package reports

import (
	"reflect"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/calendar"
	"github.com/baton-hq/baton/internal/qualify"
)

var t0 = time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)

func day(n float64) time.Time { return t0.Add(time.Duration(n * 24 * float64(time.Hour))) }

func touch(at time.Time, ch, src, med string) qualify.Touch {
	return qualify.Touch{At: at, Channel: ch, Source: src, Medium: med}
}

func hist(steps ...any) []qualify.StageChange {
	var out []qualify.StageChange
	from := qualify.StageAnonymous
	for i := 0; i+2 < len(steps)+1; i += 3 {
		c := qualify.StageChange{From: from, To: steps[i].(string), At: steps[i+1].(time.Time), Owner: steps[i+2].(string)}
		out = append(out, c)
		from = c.To
	}
	return out
}

func mql(at time.Time, cond, grade, band string) qualify.MQL {
	return qualify.MQL{Cycle: 1, At: at, Condition: cond, Verdict: qualify.Verdict{Grade: grade, Band: band}}
}

// seeded is a small history whose reports are computed by hand in the tests.
func seeded() []*Person {
	return []*Person{
		{ID: "p1", Rec: qualify.Record{Stage: qualify.StageCustomer, Cycle: 1, Touches: []qualify.Touch{touch(day(0), "search", "google", "organic"), touch(day(1), "email", "newsletter", "email")}},
			History: hist(qualify.StageLead, day(0), "", qualify.StageMQL, day(2), "", qualify.StageSAL, day(2.125), "rep-a", qualify.StageSQL, day(5), "rep-a", qualify.StageCustomer, day(10), "rep-a"),
			MQLs:    []qualify.MQL{mql(day(2), "hot-and-fit", "A", "hot")}},
		{ID: "p2", Rec: qualify.Record{Stage: qualify.StageRecycled, Cycle: 1, Touches: []qualify.Touch{touch(day(0), "social", "linkedin.com", "")}},
			History: hist(qualify.StageLead, day(0), "", qualify.StageMQL, day(1), "", qualify.StageRejected, day(2.25), "rep-b", qualify.StageRecycled, day(2.25), ""),
			MQLs:    []qualify.MQL{mql(day(1), "bant-confirmed", "B", "warm")}},
		{ID: "p3", Rec: qualify.Record{Stage: qualify.StageLead}, History: hist(qualify.StageLead, day(0), "")},
		{ID: "p4", Rec: qualify.Record{Stage: qualify.StageMQL, Cycle: 1, Touches: []qualify.Touch{touch(day(0), "direct", "", ""), touch(day(1), "paid", "google", "cpc"), touch(day(2), "email", "newsletter", "email"), touch(day(3), "social", "x.com", "")}},
			History: hist(qualify.StageLead, day(0), "", qualify.StageMQL, day(4), ""),
			MQLs:    []qualify.MQL{mql(day(4), "cross-scoring", "C", "hot")}},
	}
}

func TestFunnel(t *testing.T) {
	rows := Funnel(seeded(), Filter{})
	all := rows[0]
	if all.Group != "(all)" {
		t.Fatalf("first row %s", all.Group)
	}
	want := map[string]int{"lead": 4, "mql": 3, "sal": 1, "sql": 1, "opportunity": 1, "customer": 1}
	if !reflect.DeepEqual(all.Counts, want) {
		t.Fatalf("counts %v, want %v", all.Counts, want)
	}
	if all.Conversion["lead->mql"] != Measured(0.75) || all.Conversion["mql->sal"] != Measured(0.333) || all.Conversion["opportunity->customer"] != Measured(1) {
		t.Fatalf("conversion %v", all.Conversion)
	}
	if all.MedianDays["lead->mql"] != Measured(2) || all.MedianDays["mql->sal"] != Measured(0.125) || all.MedianDays["sal->sql"] != Measured(2.875) {
		t.Fatalf("median days %v", all.MedianDays)
	}
	groups := map[string]map[string]int{}
	for _, r := range rows[1:] {
		groups[r.Group] = r.Counts
	}
	if groups["search"]["customer"] != 1 || groups["social"]["mql"] != 1 || groups["(none)"]["lead"] != 1 || groups["direct"]["mql"] != 1 || len(groups) != 4 {
		t.Fatalf("by channel %v", groups)
	}
	// A period filter: stages entered within days 1 to 3 only.
	in := Funnel(seeded(), Filter{From: day(1), To: day(3)})[0]
	if in.Counts["lead"] != 0 || in.Counts["mql"] != 2 || in.Counts["sal"] != 1 {
		t.Fatalf("period counts %v", in.Counts)
	}
	if bySource := Funnel(seeded(), Filter{By: "source"}); bySource[1].Group != "(none)" || bySource[2].Group != "google" {
		t.Fatalf("by source %+v", bySource)
	}
}

func TestAttribution(t *testing.T) {
	a := Attribution(seeded(), Filter{})["mql"]
	check := func(model string, want map[string]float64) {
		t.Helper()
		if !reflect.DeepEqual(a[model], want) {
			t.Errorf("%s: %v, want %v", model, a[model], want)
		}
	}
	check("first", map[string]float64{"search": 1, "social": 1, "direct": 1})
	check("last", map[string]float64{"email": 1, "social": 2})
	check("linear", map[string]float64{"search": 0.5, "email": 0.75, "social": 1.25, "direct": 0.25, "paid": 0.25})
	check("position", map[string]float64{"search": 0.5, "email": 0.6, "social": 1.4, "direct": 0.4, "paid": 0.1})
	won := Attribution(seeded(), Filter{})["customer"]
	if !reflect.DeepEqual(won["first"], map[string]float64{"search": 1}) || !reflect.DeepEqual(won["last"], map[string]float64{"email": 1}) {
		t.Errorf("won: %v", won)
	}
}

func TestSLA(t *testing.T) {
	rows := SLA(seeded(), Filter{}, 24*time.Hour, calendar.Calendar{}, day(30))
	by := map[string]SLARow{}
	for _, r := range rows {
		by[r.Owner] = r
	}
	// A rejection is an answer too: rep-b answered after 30 hours, late.
	if r := by["(all)"]; r.MQLs != 3 || r.Responded != 2 || r.Accepted != 1 || r.Rejected != 1 || r.WithinSLA != 1 || r.ShareWithin != Measured(0.5) || r.MedianHours != Measured(16.5) || r.OpenBreaches != 1 {
		t.Fatalf("all %+v", r)
	}
	if r := by["rep-a"]; r.MQLs != 1 || r.Accepted != 1 || r.WithinSLA != 1 {
		t.Fatalf("rep-a %+v", r)
	}
	if r := by["rep-b"]; r.MQLs != 1 || r.Rejected != 1 || r.WithinSLA != 0 {
		t.Fatalf("rep-b %+v", r)
	}
	if r := by["(unassigned)"]; r.MQLs != 1 || r.OpenBreaches != 1 || r.Responded != 0 {
		t.Fatalf("unassigned %+v", r)
	}
}

// TestSLAOnBusinessTime: an MQL raised Friday 17:00 in Tokyo and accepted
// Monday 10:00 waited two working hours, not 65 wall-clock hours.
func TestSLAOnBusinessTime(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	days, _ := calendar.ParseDays([]string{"mon", "tue", "wed", "thu", "fri"})
	cal := calendar.Calendar{Loc: tokyo, Business: true, Days: days, Start: 9 * time.Hour, End: 18 * time.Hour, Public: []string{"japan"}}
	mql := time.Date(2026, 11, 27, 17, 0, 0, 0, tokyo)
	acc := time.Date(2026, 11, 30, 10, 0, 0, 0, tokyo)
	p := &Person{
		Rec:     qualify.Record{Stage: qualify.StageSAL, Cycle: 1},
		MQLs:    []qualify.MQL{{ID: "x-c1", Cycle: 1, At: mql}},
		History: hist(qualify.StageLead, mql, "", qualify.StageMQL, mql, "", qualify.StageSAL, acc, "rep-c"),
	}
	rows := SLA([]*Person{p}, Filter{}, 8*time.Hour, cal, acc)
	if rows[0].WithinSLA != 1 || rows[0].MedianHours != Measured(2) {
		t.Fatalf("on business time: %+v", rows[0])
	}
	if rows := SLA([]*Person{p}, Filter{}, 8*time.Hour, calendar.Calendar{}, acc); rows[0].WithinSLA != 0 {
		t.Fatalf("on the wall clock the same answer is late: %+v", rows[0])
	}
}

func TestQuality(t *testing.T) {
	got := map[string]QualityRow{}
	for _, r := range Quality(seeded(), Filter{}) {
		got[r.Dimension+"/"+r.Value] = r
	}
	want := map[string]QualityRow{
		"condition/hot-and-fit":    {Dimension: "condition", Value: "hot-and-fit", MQLs: 1, SAL: 1, SQL: 1, Won: 1},
		"condition/bant-confirmed": {Dimension: "condition", Value: "bant-confirmed", MQLs: 1, Rejected: 1},
		"condition/cross-scoring":  {Dimension: "condition", Value: "cross-scoring", MQLs: 1},
		"grade/A":                  {Dimension: "grade", Value: "A", MQLs: 1, SAL: 1, SQL: 1, Won: 1},
		"grade/B":                  {Dimension: "grade", Value: "B", MQLs: 1, Rejected: 1},
		"grade/C":                  {Dimension: "grade", Value: "C", MQLs: 1},
		"band/hot":                 {Dimension: "band", Value: "hot", MQLs: 2, SAL: 1, SQL: 1, Won: 1},
		"band/warm":                {Dimension: "band", Value: "warm", MQLs: 1, Rejected: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("quality\n got %v\nwant %v", got, want)
	}
}

func TestFunnelPerPeriod(t *testing.T) {
	all := map[string]map[string]int{}
	for _, r := range Funnel(seeded(), Filter{Period: "day"}) {
		if r.Group == "(all)" {
			all[r.Period] = r.Counts
		}
	}
	want := map[string]map[string]int{
		"2026-10-01": {"lead": 4},
		"2026-10-02": {"mql": 1},
		"2026-10-03": {"mql": 1, "sal": 1},
		"2026-10-05": {"mql": 1},
		"2026-10-06": {"sql": 1},
		"2026-10-11": {"opportunity": 1, "customer": 1},
	}
	if !reflect.DeepEqual(all, want) {
		t.Fatalf("per day %v\nwant %v", all, want)
	}
	weeks := map[string]int{}
	for _, r := range Funnel(seeded(), Filter{Period: "week"}) {
		if r.Group == "(all)" {
			weeks[r.Period] = r.Counts["mql"]
		}
	}
	// 2026-10-01 is a Thursday: its ISO week starts on Monday 2026-09-28.
	if weeks["2026-09-28"] != 2 || weeks["2026-10-05"] != 1 {
		t.Fatalf("per week %v", weeks)
	}
	if got := (Filter{Period: "month"}).PeriodOf(day(40)); got != "2026-11" {
		t.Fatalf("month %s", got)
	}
}

// TestChannelFilterCoversEveryReport: the first-touch channel filter takes
// the same people in every report of a page (it applied to the funnel
// alone: the dashboard's funnel said 1 lead while its attribution, SLA and
// quality counted every MQL).
func TestChannelFilterCoversEveryReport(t *testing.T) {
	f := Filter{Channel: "social"} // p2 alone: their MQL rejected by rep-b
	if rows := Funnel(seeded(), f); rows[0].Counts["mql"] != 1 {
		t.Errorf("funnel %+v", rows[0].Counts)
	}
	a := Attribution(seeded(), f)["mql"]["first"]
	if !reflect.DeepEqual(a, map[string]float64{"social": 1}) {
		t.Errorf("attribution %v", a)
	}
	sla := SLA(seeded(), f, 24*time.Hour, calendar.Calendar{}, day(30))
	if len(sla) != 2 { // (all) and rep-b
		t.Errorf("SLA rows %+v", sla)
	}
	for _, r := range sla {
		if r.Owner == "(all)" && (r.MQLs != 1 || r.Rejected != 1) || r.Owner != "(all)" && r.Owner != "rep-b" {
			t.Errorf("SLA row %+v", r)
		}
	}
	quality := Quality(seeded(), f)
	if len(quality) != 3 { // p2's MQL by its condition, grade and band
		t.Errorf("quality rows %+v", quality)
	}
	for _, r := range quality {
		if r.MQLs != 1 || r.Rejected != 1 {
			t.Errorf("quality row %+v", r)
		}
	}
	if got := len(Quality(seeded(), Filter{Channel: "nowhere"})); got != 0 {
		t.Errorf("a channel nobody came from: %d quality rows", got)
	}
}

// TestSourceRowsIgnoreCase: a utm_source typed Google in one newsletter and
// google in another is one source, one row.
func TestSourceRowsIgnoreCase(t *testing.T) {
	ps := []*Person{
		{ID: "a", Rec: qualify.Record{Stage: qualify.StageLead, Touches: []qualify.Touch{touch(day(0), "paid", "Google", "cpc")}}, History: hist(qualify.StageLead, day(0), "")},
		{ID: "b", Rec: qualify.Record{Stage: qualify.StageLead, Touches: []qualify.Touch{touch(day(0), "paid", "google", "cpc")}}, History: hist(qualify.StageLead, day(0), "")},
	}
	rows := Funnel(ps, Filter{By: "source"})
	var groups []string
	for _, r := range rows {
		groups = append(groups, r.Group)
	}
	if !reflect.DeepEqual(groups, []string{"(all)", "google"}) {
		t.Fatalf("source rows %v, want (all) and one google", groups)
	}
}

// TestFunnelConversionIsOfTheRowsPeople: a period's conversion is the
// share of the people who entered the first stage in it that reached the
// second, never more than all of them. Counting the second stage's
// entries of the period instead credited April with March's leads that
// qualified in April: 300% of April's one lead, who never qualified.
func TestFunnelConversionIsOfTheRowsPeople(t *testing.T) {
	mar := time.Date(2026, 3, 30, 10, 0, 0, 0, time.UTC)
	apr := time.Date(2026, 4, 3, 10, 0, 0, 0, time.UTC)
	may := time.Date(2026, 5, 6, 10, 0, 0, 0, time.UTC)
	var people []*Person
	for _, id := range []string{"m1", "m2", "m3"} { // March's leads, qualified in April
		people = append(people, &Person{ID: id, Rec: qualify.Record{Stage: qualify.StageMQL},
			History: hist(qualify.StageLead, mar, "", qualify.StageMQL, apr, "")})
	}
	people = append(people,
		&Person{ID: "a1", Rec: qualify.Record{Stage: qualify.StageLead}, History: hist(qualify.StageLead, apr, "")},
		// April's lead qualified in May: April's conversion, 33 days.
		&Person{ID: "a2", Rec: qualify.Record{Stage: qualify.StageMQL}, History: hist(qualify.StageLead, apr, "", qualify.StageMQL, may, "")})
	rows := map[string]FunnelRow{}
	for _, r := range Funnel(people, Filter{Period: "month"}) {
		if r.Group == "(all)" {
			rows[r.Period] = r
		}
	}
	if c := rows["2026-03"]; c.Counts["lead"] != 3 || c.Conversion["lead->mql"] != Measured(1) || c.MedianDays["lead->mql"] != Measured(4) {
		t.Errorf("March: counts %v conversion %v median %v; want 3 leads, all qualified, in 4 days", c.Counts, c.Conversion["lead->mql"], c.MedianDays["lead->mql"])
	}
	if c := rows["2026-04"]; c.Counts["lead"] != 2 || c.Counts["mql"] != 3 || c.Conversion["lead->mql"] != Measured(0.5) || c.MedianDays["lead->mql"] != Measured(33) {
		t.Errorf("April: counts %v conversion %v median %v; want 2 leads (one qualified, in 33 days), 3 MQLs", c.Counts, c.Conversion["lead->mql"], c.MedianDays["lead->mql"])
	}
	// A report cut at the end of April does not count May's MQL.
	apr1, may1 := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	if c := Funnel(people, Filter{From: apr1, To: may1})[0]; c.Counts["lead"] != 2 || c.Conversion["lead->mql"] != Measured(0) {
		t.Errorf("April alone: counts %v conversion %v; want 2 leads, none qualified within it", c.Counts, c.Conversion["lead->mql"])
	}
}

// TestAttributionOfEveryMQL: a lead rejected, recycled and qualified again
// by a newsletter has two MQLs, in the SLA and quality reports and in
// attribution: the second credited to the touches since the recycle. MQLs
// stored before they kept their journey are read so from the record (the
// report counted the first MQL alone).
func TestAttributionOfEveryMQL(t *testing.T) {
	p := &Person{ID: "r", Rec: qualify.Record{Stage: qualify.StageMQL, Cycle: 2,
		Touches: []qualify.Touch{touch(day(0), "search", "google", "organic"), touch(day(1.5), "social", "x.com", ""), touch(day(3), "email", "newsletter", "email")}},
		History: hist(qualify.StageLead, day(0), "", qualify.StageMQL, day(1), "", qualify.StageRejected, day(2), "rep-b", qualify.StageRecycled, day(2), "", qualify.StageMQL, day(4), ""),
		MQLs:    []qualify.MQL{{Cycle: 1, At: day(1)}, {Cycle: 2, At: day(4)}},
	}
	a := Attribution([]*Person{p}, Filter{})["mql"]
	if want := map[string]float64{"search": 1, "email": 1}; !reflect.DeepEqual(a["first"], want) {
		t.Errorf("first touch %v, want %v (the social visit while sales held the lead is no touch of the second MQL)", a["first"], want)
	}
	if got := Attribution([]*Person{p}, Filter{From: day(3)})["mql"]["linear"]; !reflect.DeepEqual(got, map[string]float64{"email": 1}) {
		t.Errorf("the second MQL alone: %v", got)
	}
}

// TestAttributionOfEverySQLAndWin: a lead that reached SQL, was lost,
// recycled and qualified again, then reached SQL and was won, has two SQLs
// and a win in attribution, each credited to its own cycle's touches up to
// it: the first SQL to the search and the social visit, the second SQL and
// the win to the newsletter and the ad after the recycle. A change stored
// before it kept its journey is read so from the record; one that kept it
// is credited to it (the touches as they stood then). The report counted
// the first SQL alone, and the win to every touch before it, the first
// cycle's search its first touch.
func TestAttributionOfEverySQLAndWin(t *testing.T) {
	person := func() *Person {
		return &Person{ID: "r", Rec: qualify.Record{Stage: qualify.StageCustomer, Cycle: 2, CycleFrom: day(2.5), SQLAt: day(2), CustomerAt: day(6),
			Touches: []qualify.Touch{touch(day(0), "search", "google", "organic"), touch(day(1.5), "social", "x.com", ""), touch(day(3), "email", "newsletter", "email"), touch(day(4.5), "paid", "google", "cpc")}},
			History: hist(qualify.StageLead, day(0), "", qualify.StageMQL, day(1), "", qualify.StageSQL, day(2), "rep-b", qualify.StageLost, day(2.5), "rep-b",
				qualify.StageRecycled, day(2.5), "", qualify.StageMQL, day(4), "", qualify.StageSAL, day(4.2), "rep-b", qualify.StageSQL, day(5), "rep-b",
				qualify.StageOpportunity, day(5.5), "rep-b", qualify.StageCustomer, day(6), "rep-b"),
			MQLs: []qualify.MQL{{Cycle: 1, At: day(1)}, {Cycle: 2, At: day(4)}},
		}
	}
	check := func(name string, got map[string]map[string]float64, want map[string]map[string]float64) {
		t.Helper()
		for m, w := range want {
			if !reflect.DeepEqual(got[m], w) {
				t.Errorf("%s, %s: %v, want %v", name, m, got[m], w)
			}
		}
	}
	p := person()
	a := Attribution([]*Person{p}, Filter{})
	check("SQL", a["sql"], map[string]map[string]float64{
		"first": {"search": 1, "email": 1}, "last": {"social": 1, "paid": 1}, "linear": {"search": 0.5, "social": 0.5, "email": 0.5, "paid": 0.5},
	})
	check("win", a["customer"], map[string]map[string]float64{"first": {"email": 1}, "last": {"paid": 1}})
	check("SQL from day 4", Attribution([]*Person{p}, Filter{From: day(4)})["sql"], map[string]map[string]float64{"linear": {"email": 0.5, "paid": 0.5}})

	// Kept on the change: the second SQL was credited to the newsletter
	// alone when it was made (the ad's visit scored later), the first SQL
	// and the win to the touches they kept.
	p = person()
	for i, c := range p.History {
		switch {
		case c.To == qualify.StageSQL && c.At.Equal(day(5)):
			p.History[i].Journey = &qualify.Journey{First: &p.Rec.Touches[2], N: 1}
		case c.To == qualify.StageSQL, c.To == qualify.StageCustomer:
			j := p.Rec.Journey(time.Time{}, c.At)
			if c.To == qualify.StageCustomer {
				j = p.Rec.Journey(day(2.5), c.At)
			}
			p.History[i].Journey = &j
		}
	}
	a = Attribution([]*Person{p}, Filter{})
	check("SQL as kept", a["sql"], map[string]map[string]float64{"first": {"search": 1, "email": 1}, "last": {"social": 1, "email": 1}})
	check("win as kept", a["customer"], map[string]map[string]float64{"first": {"email": 1}, "last": {"paid": 1}})

	// An MQL won outright is an SQL and a win of its cycle, once each.
	w := &Person{ID: "w", Rec: qualify.Record{Stage: qualify.StageCustomer, Cycle: 1, Touches: []qualify.Touch{touch(day(0), "search", "google", "organic")}},
		History: hist(qualify.StageLead, day(0), "", qualify.StageMQL, day(1), "", qualify.StageCustomer, day(2), "rep-b")}
	a = Attribution([]*Person{w}, Filter{})
	check("won outright", a["sql"], map[string]map[string]float64{"first": {"search": 1}})
	check("won outright", a["customer"], map[string]map[string]float64{"first": {"search": 1}})
}

// TestCreditIsWeights: a journey's credit is what Weights gives the list
// of its touches, under every model.
func TestCreditIsWeights(t *testing.T) {
	chans := []string{"search", "social", "email", "paid", "referral", "social", "email"}
	for n := 1; n <= len(chans); n++ {
		var rec qualify.Record
		for i := range n {
			rec.Touches = append(rec.Touches, touch(day(float64(i)), chans[i], "", ""))
		}
		for _, m := range Models {
			want := map[string]float64{}
			for i, w := range Weights(n, m) {
				if w != 0 {
					want[chans[i]] += w
				}
			}
			got := Credit(rec.Journey(time.Time{}, time.Time{}), m, Filter{})
			for g := range want {
				if d := got[g] - want[g]; d > 1e-9 || d < -1e-9 || len(got) != len(want) {
					t.Errorf("%d touches, %s: %v, want %v", n, m, got, want)
					break
				}
			}
		}
	}
}

// TestAttributionOfAReopenedLead: an SQL lost and recycled, then won after
// all without a new MQL (sales took the lead back): one SQL, and the win
// credited to its cycle's touches from the first. The reopen's recycle
// ended the cycle: the win counted as a second SQL, credited to the
// touches after the loss alone.
func TestAttributionOfAReopenedLead(t *testing.T) {
	p := &Person{ID: "o", Rec: qualify.Record{Stage: qualify.StageCustomer, Cycle: 1, SQLAt: day(2), CustomerAt: day(4),
		Touches: []qualify.Touch{touch(day(0), "search", "google", "organic"), touch(day(1.5), "social", "x.com", ""), touch(day(3), "email", "newsletter", "email")}},
		History: hist(qualify.StageLead, day(0), "", qualify.StageMQL, day(1), "", qualify.StageSQL, day(2), "rep-b", qualify.StageLost, day(2.5), "rep-b",
			qualify.StageRecycled, day(2.5), "", qualify.StageCustomer, day(4), "rep-b"),
		MQLs: []qualify.MQL{{Cycle: 1, At: day(1)}},
	}
	a := Attribution([]*Person{p}, Filter{})
	if got, want := a["sql"]["first"], map[string]float64{"search": 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("SQLs by first touch %v, want %v (one SQL)", got, want)
	}
	if got, want := a["customer"]["first"], map[string]float64{"search": 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("the win by first touch %v, want %v", got, want)
	}
	if got, want := a["customer"]["last"], map[string]float64{"email": 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("the win by last touch %v, want %v", got, want)
	}
}
