package reports

import (
	"math"
	"sort"
	"time"

	"github.com/baton-hq/baton/internal/qualify"
)

// Revenue kinds: deals won, and deals still open (the pipeline).
const (
	Won      = "won"
	Pipeline = "pipeline"
)

// RevenueRow is the amount one group is credited with, of one kind, in one
// currency, under one model (amounts of different currencies never sum).
type RevenueRow struct {
	Kind      string  `json:"kind"` // won, pipeline
	Currency  string  `json:"currency"`
	Model     string  `json:"model"`
	Dimension string  `json:"dimension"` // channel, campaign (or the filter's by)
	Group     string  `json:"group"`
	Amount    float64 `json:"amount"`
	Deals     float64 `json:"deals"` // the share of deals credited
}

// RevenueTotal is the amount of one kind in one currency, before attribution.
type RevenueTotal struct {
	Kind     string  `json:"kind"`
	Currency string  `json:"currency"`
	Amount   float64 `json:"amount"`
	Deals    int     `json:"deals"`
}

// DealState says what became of a deal: won (when), in the pipeline (since
// when), or closed without a win ("").
func DealState(p *Person, d qualify.Deal) (string, time.Time) {
	kind, at, _ := dealState(p, d)
	return kind, at
}

// dealState is DealState and the index in the person's history of the
// change the deal's state dates from (its cycle's win, or its first SQL or
// opportunity for an open deal), -1 when it dates from the deal itself.
//
// A cycle holds several deals (qualify.MaxCycleDeals), each its own
// outcome. The person's becoming a customer in the cycle is the win of
// the cycle's deals that say won; when none says so (the win came without
// naming a deal), of those not lost, or, all lost, of every one (a deal
// stored before a stage change alone was recorded on it). A deal whose
// own outcome is won is won when it is not its cycle's win too (an old
// opportunity reopened and won after the recycle is its own cycle's).
func dealState(p *Person, d qualify.Deal) (string, time.Time, int) {
	if laterCopy(p, d) {
		return "", time.Time{}, -1
	}
	var start, end time.Time // the deal's MQL cycle
	for i, m := range p.MQLs {
		if m.Cycle == d.Cycle {
			start = m.At
			if i+1 < len(p.MQLs) {
				end = p.MQLs[i+1].At
			}
		}
	}
	opened, won := -1, -1
	lost := false
	var reopened time.Time // sales took the cycle back (the last time)
	for i, c := range p.History {
		if c.At.Before(start) || (!end.IsZero() && !c.At.Before(end)) {
			continue
		}
		if c.Reopens() {
			// Back in play: its open deals are pipeline again, from
			// the reopen's SQL or opportunity (the first SQL was before
			// the loss, maybe months back).
			lost, reopened, opened = false, c.At, -1
		}
		switch c.To {
		case qualify.StageCustomer:
			if won < 0 {
				won = i
			}
		case qualify.StageLost, qualify.StageRejected:
			lost = true
		case qualify.StageSQL, qualify.StageOpportunity:
			if opened < 0 {
				opened = i
			}
		}
	}
	if won >= 0 && cycleWinIs(p, d, reopened) {
		return Won, p.History[won].At, won
	}
	switch d.Outcome {
	case "won":
		return Won, d.At, -1
	case "lost", "rejected":
		return "", time.Time{}, -1
	}
	if lost || won >= 0 || p.Rec.Cycle != d.Cycle {
		return "", time.Time{}, -1
	}
	switch p.Rec.Stage {
	case qualify.StageMQL, qualify.StageSAL, qualify.StageSQL, qualify.StageOpportunity:
		if opened < 0 {
			return Pipeline, d.At, -1
		}
		return Pipeline, p.History[opened].At, opened
	}
	return "", time.Time{}, -1
}

// laterCopy: an earlier cycle has the deal (the same Ref), so it is that
// cycle's: a later cycle's with its Ref is an edit of it stored there
// before RecordDeal read Ref (a HubSpot deal's, edited after the
// recycle), never that cycle's pipeline or win.
func laterCopy(p *Person, d qualify.Deal) bool {
	for _, e := range p.Deals {
		if d.Ref != "" && e.Ref == d.Ref && e.Cycle < d.Cycle {
			return true
		}
	}
	return false
}

// cycleWinIs: the person's win in d's cycle is d's (dealState says whose).
// A deal lost before sales took the cycle back (reopened) is none: it was
// over before the win.
func cycleWinIs(p *Person, d qualify.Deal, reopened time.Time) bool {
	over := func(e qualify.Deal) bool { return !reopened.IsZero() && closedLost(e.Outcome) && !e.At.After(reopened) }
	if over(d) {
		return false
	}
	saysWon, notLost := false, false
	for _, e := range p.Deals {
		if e.Cycle != d.Cycle || laterCopy(p, e) || over(e) {
			continue
		}
		saysWon = saysWon || e.Outcome == "won"
		notLost = notLost || !closedLost(e.Outcome)
	}
	switch {
	case saysWon:
		return d.Outcome == "won"
	case notLost:
		return !closedLost(d.Outcome)
	}
	return true
}

func closedLost(outcome string) bool { return outcome == "lost" || outcome == "rejected" }

// dealJourney is the journey a deal's amount is credited to, the one
// Attribution credits the change its state dates from: a won deal's, its
// cycle's win; an open deal's, its cycle's first SQL (or opportunity).
// That is the journey kept on the change, else the record's touches of
// the change's cycle up to it (changeJourney); for a deal whose state
// dates from the deal itself (won by its outcome alone, open before an
// SQL), the record's touches of the cycle it falls in up to its date.
func dealJourney(p *Person, at time.Time, change int) qualify.Journey {
	if change >= 0 {
		return changeJourney(p, change)
	}
	var from time.Time // the cycle's start: the last recycle before the deal's date
	for i, c := range p.History {
		if qualify.EndsCycle(p.History, i) && c.At.Before(at) {
			from = c.At
		}
	}
	return p.Rec.Journey(from, at)
}

// Revenue attributes the amounts of won deals and of the open pipeline to
// the touches of their cycle before each (before the win; before the deal
// opened: the journeys Attribution credits the win and the SQL, so a win
// has one first touch in both reports; dealJourney) under every model, by
// each dimension (channel, campaign, ... as Filter.By names them). A deal is in the period when its close date (else when it
// was won or opened) is.
func Revenue(people []*Person, f Filter, dims []string) ([]RevenueRow, []RevenueTotal) {
	type key struct{ kind, cur, model, dim, group string }
	sums := map[key][2]float64{}
	totals := map[[2]string]*RevenueTotal{}
	// A deal several people share (a HubSpot deal's contacts Baton
	// delivered: Deal.Ref) is one deal: counted once, its amount split
	// between them, each share credited to its person's touches.
	type credit struct {
		d      qualify.Deal
		kind   string
		j      qualify.Journey
		shared string // Ref and kind: the people sharing the deal
	}
	var credits []credit
	sharing := map[string]int{}
	for _, p := range people {
		if !f.Covers(p) {
			continue
		}
		for _, d := range p.Deals {
			if !d.HasAmount {
				continue
			}
			kind, at, change := dealState(p, d)
			if kind == "" {
				continue
			}
			when := at
			if d.CloseDate != "" {
				if cd, err := time.ParseInLocation("2006-01-02", d.CloseDate, loc(f)); err == nil {
					when = cd
				}
			}
			if !f.in(when) {
				continue
			}
			c := credit{d: d, kind: kind, j: dealJourney(p, at, change)}
			if d.Ref != "" {
				c.shared = kind + "\x00" + d.Ref
				sharing[c.shared]++
			}
			credits = append(credits, c)
		}
	}
	counted := map[string]bool{}
	for _, c := range credits {
		d, kind := c.d, c.kind
		share := 1.0
		if c.shared != "" {
			share = 1 / float64(sharing[c.shared])
		}
		cur := d.Currency
		if cur == "" {
			cur = "(none)"
		}
		tk := [2]string{kind, cur}
		if totals[tk] == nil {
			totals[tk] = &RevenueTotal{Kind: kind, Currency: cur}
		}
		totals[tk].Amount += share * d.Amount
		if c.shared == "" || !counted[c.shared] {
			totals[tk].Deals++
			counted[c.shared] = true
		}
		amount := share * d.Amount
		for _, dim := range dims {
			g := f
			g.By = dim
			for _, m := range Models {
				for grp, w := range Credit(c.j, m, g) {
					k := key{kind, cur, m, dim, grp}
					v := sums[k]
					sums[k] = [2]float64{v[0] + w*amount, v[1] + w*share}
				}
			}
		}
	}
	rows := make([]RevenueRow, 0, len(sums))
	for k, v := range sums {
		rows = append(rows, RevenueRow{Kind: k.kind, Currency: k.cur, Model: k.model, Dimension: k.dim, Group: k.group, Amount: roundMoney(v[0]), Deals: round(v[1])})
	}
	order := map[string]int{}
	for i, m := range Models {
		order[m] = i
	}
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		switch {
		case a.Kind != b.Kind:
			return a.Kind > b.Kind // won first
		case a.Currency != b.Currency:
			return a.Currency < b.Currency
		case a.Dimension != b.Dimension:
			return a.Dimension < b.Dimension
		case a.Model != b.Model:
			return order[a.Model] < order[b.Model]
		}
		return a.Group < b.Group
	})
	out := make([]RevenueTotal, 0, len(totals))
	for _, t := range totals {
		t.Amount = roundMoney(t.Amount)
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind > out[j].Kind
		}
		return out[i].Currency < out[j].Currency
	})
	return rows, out
}

func loc(f Filter) *time.Location {
	if f.Loc != nil {
		return f.Loc
	}
	return time.UTC
}

// roundMoney keeps cents: credits of a split amount still sum to it.
func roundMoney(v float64) float64 {
	// math.Round: an int64 conversion overflows on summed amounts near the
	// 1e15 cap a deal may carry.
	return math.Round(v*100) / 100
}
