package reports

import (
	"context"
	"sort"
	"time"

	"github.com/baton-hq/baton/internal/calendar"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/sla"
)

// RepRow is what one sales rep made of the MQLs of one segment.
type RepRow struct {
	Owner     string `json:"owner"`
	Dimension string `json:"dimension"` // all, grade, channel (first touch)
	Segment   string `json:"segment"`
	MQLs      int    `json:"mqls"` // received: MQLs the rep answered or holds
	Accepted  int    `json:"accepted"`
	Rejected  int    `json:"rejected"`
	WithinSLA int    `json:"withinSla"` // answered (either way) within the SLA
	SQL       int    `json:"sql"`
	Won       int    `json:"won"`
	Lost      int    `json:"lost"`
	// WinRate is won / (won + lost): of the deals closed, the share won;
	// not measured (null) while none closed.
	WinRate Figure `json:"winRate"`
	// Median days from the MQL to SQL and to won: not measured (null)
	// while none reached SQL, or was won. Elapsed hours / 24, as the
	// funnel's MedianDays.
	MedianDaysToSQL Figure             `json:"medianDaysToSql"`
	MedianDaysToWon Figure             `json:"medianDaysToWon"`
	WonAmount       map[string]float64 `json:"wonAmount,omitempty"`
}

// Reps follows every MQL of the period to the rep who took it (the owner
// sales' SFA named on its first answer, else on any later change of the
// cycle; "(unassigned)" while nobody did) and says what became of it, per
// rep ("(all)" first) and segment: all, the MQL's grade, the person's
// first-touch channel. Answered within the SLA counts from each MQL's
// raise (RepsOf: its delivery).
func Reps(people []*Person, f Filter, within time.Duration, cal calendar.Calendar) []RepRow {
	rows, _ := RepsOf(context.Background(), people, f, within, cal, nil, nil)
	return rows
}

// RepsOf is Reps with answered within the SLA counted from each MQL's
// first delivery to a connector, as SLAOf counts it (a delivery read only
// for an answer later than the SLA from the raise), and an MQL no change
// names a rep for under the owner its SLA breach named (breachOwners,
// sla.BreachOwners: the SFA's owner of the lead; as SLAOf).
func RepsOf(ctx context.Context, people []*Person, f Filter, within time.Duration, cal calendar.Calendar, delivered sla.Delivered, breachOwners map[string]string) ([]RepRow, error) {
	type key struct{ owner, dim, seg string }
	rows := map[key]*RepRow{}
	days := map[key][2][]float64{}
	// A deal several people share (Deal.Ref) is won once: each person's
	// share of its amount, as in Revenue.
	sharing := map[string]int{}
	for _, p := range people {
		if !f.Covers(p) {
			continue
		}
		for _, d := range p.Deals {
			if d.Ref != "" && d.HasAmount {
				if kind, _ := DealState(p, d); kind == Won {
					sharing[d.Ref]++
				}
			}
		}
	}
	for _, p := range people {
		if !f.Covers(p) {
			continue
		}
		ft := first(p)
		channel := Filter{}.Key(ft)
		for mi, m := range p.MQLs {
			if !f.in(m.At) {
				continue
			}
			var end time.Time
			if mi+1 < len(p.MQLs) {
				end = p.MQLs[mi+1].At
			}
			var owner string
			var answer, sqlAt, wonAt time.Time
			accepted, rejected, lost := false, false, false
			for _, c := range p.History {
				if c.At.Before(m.At) || (!end.IsZero() && !c.At.Before(end)) {
					continue
				}
				if owner == "" && c.Owner != "" {
					owner = c.Owner
				}
				if c.Reopens() {
					// Sales took the lead back: the MQL is what they
					// said last, as the MQL list and the lab read it.
					rejected, lost = false, false
				}
				switch c.To {
				case qualify.StageRejected:
					rejected = true
				case qualify.StageLost:
					lost = true
				case qualify.StageSAL, qualify.StageSQL, qualify.StageOpportunity, qualify.StageCustomer:
					accepted = true
				}
				if answer.IsZero() && answers(c) {
					answer = c.At
				}
				if sqlAt.IsZero() && (c.To == qualify.StageSQL || c.To == qualify.StageOpportunity || c.To == qualify.StageCustomer) {
					sqlAt = c.At
				}
				if c.To == qualify.StageCustomer {
					wonAt = c.At
				}
			}
			if owner == "" {
				owner = breachOwners[m.ID] // the SFA's owner when its breach was announced
			}
			if owner == "" {
				owner = "(unassigned)"
			}
			inSLA := !answer.IsZero() && cal.Between(m.Raised(), answer) <= within // from the hand-off, as the SLA report
			if !answer.IsZero() && !inSLA && delivered != nil {
				start, ok, err := sla.Start(ctx, delivered, m)
				if err != nil {
					return nil, err
				}
				inSLA = ok && (!start.Before(answer) || cal.Between(start, answer) <= within)
			}
			// The won amount is the cycle's deals' won, as the revenue
			// report reads them (DealState): each deal once, summed (a
			// cycle holds several), its share where people share it, an
			// old cycle's deal edited since its own cycle's.
			var won map[string]float64
			for _, d := range p.Deals {
				if d.Cycle != m.Cycle || !d.HasAmount {
					continue
				}
				if kind, _ := DealState(p, d); kind != Won {
					continue
				}
				cur := d.Currency
				if cur == "" {
					cur = "(none)"
				}
				if won == nil {
					won = map[string]float64{}
				}
				share := 1.0
				if d.Ref != "" {
					share = 1 / float64(sharing[d.Ref])
				}
				won[cur] += share * d.Amount
			}
			for _, o := range []string{owner, "(all)"} {
				for _, ds := range [][2]string{{"all", "(all)"}, {"grade", orNone(m.Verdict.Grade)}, {"channel", channel}} {
					k := key{o, ds[0], ds[1]}
					r := rows[k]
					if r == nil {
						r = &RepRow{Owner: o, Dimension: ds[0], Segment: ds[1]}
						rows[k] = r
					}
					r.MQLs++
					if accepted {
						r.Accepted++
					}
					if rejected {
						r.Rejected++
					}
					if inSLA {
						r.WithinSLA++
					}
					d := days[k]
					if !sqlAt.IsZero() {
						r.SQL++
						d[0] = append(d[0], sqlAt.Sub(m.At).Hours()/24)
					}
					if !wonAt.IsZero() {
						r.Won++
						d[1] = append(d[1], wonAt.Sub(m.At).Hours()/24)
					} else if lost {
						r.Lost++
					}
					days[k] = d
					for cur, a := range won {
						if r.WonAmount == nil {
							r.WonAmount = map[string]float64{}
						}
						r.WonAmount[cur] = roundMoney(r.WonAmount[cur] + a)
					}
				}
			}
		}
	}
	out := make([]RepRow, 0, len(rows))
	for k, r := range rows {
		if r.Won+r.Lost > 0 {
			r.WinRate = Measured(round(float64(r.Won) / float64(r.Won+r.Lost)))
		}
		if d := days[k][0]; len(d) > 0 { // r.SQL of them
			r.MedianDaysToSQL = Measured(round(median(d)))
		}
		if d := days[k][1]; len(d) > 0 { // r.Won of them
			r.MedianDaysToWon = Measured(round(median(d)))
		}
		out = append(out, *r)
	}
	dimOrder := map[string]int{"all": 0, "grade": 1, "channel": 2}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Owner != b.Owner {
			if (a.Owner == "(all)") != (b.Owner == "(all)") {
				return a.Owner == "(all)"
			}
			return a.Owner < b.Owner
		}
		if a.Dimension != b.Dimension {
			return dimOrder[a.Dimension] < dimOrder[b.Dimension]
		}
		return a.Segment < b.Segment
	})
	return out, nil
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
