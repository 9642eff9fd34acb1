package qualify

import (
	"time"

	"github.com/baton-hq/baton/internal/table"
)

// Aggregate partitions, updated with ADD in the same transaction as the
// stage change they count, so each change is counted exactly once however
// often the events behind it are delivered.
//
//	PK=AGG#funnel  SK=<day>#<first-touch channel>  counters: one per stage entered that day
//	PK=AGG#mql     SK=<day>#<dimension>:<value>    counters: mqls (by condition, grade, band)
const (
	aggFunnel = "AGG#funnel"
	aggMQL    = "AGG#mql"
)

var funnelOrder = []string{StageLead, StageMQL, StageSAL, StageSQL, StageOpportunity, StageCustomer}

func funnelIndex(s string) int {
	for i, x := range funnelOrder {
		if x == s {
			return i
		}
	}
	return -1
}

// counts accumulates counter additions for one transaction (an item may
// appear once in a DynamoDB transaction).
type counts struct {
	m   map[[2]string]map[string]int64
	loc *time.Location // days are this zone's (the configured timezone)
}

func newCounts(loc *time.Location) counts {
	if loc == nil {
		loc = time.UTC
	}
	return counts{m: map[[2]string]map[string]int64{}, loc: loc}
}

func (c counts) add(pk, sk, name string) {
	k := [2]string{pk, sk}
	if c.m[k] == nil {
		c.m[k] = map[string]int64{}
	}
	c.m[k][name]++
}

// transition counts entering to from from: every funnel stage passed (a
// skip forward counts the stages skipped), or the exit stage itself.
func (c counts) transition(from, to string, at time.Time, channel string) {
	sk := at.In(c.loc).Format("2006-01-02") + "#" + channel
	fi, ti := funnelIndex(from), funnelIndex(to)
	if ti < 0 {
		c.add(aggFunnel, sk, to) // rejected, lost, recycled
		return
	}
	if fi < 0 && from != StageAnonymous { // back from recycling: a new cycle enters only the stage itself
		fi = ti - 1
	}
	for i := fi + 1; i <= ti; i++ {
		c.add(aggFunnel, sk, funnelOrder[i])
	}
}

func (c counts) mql(m MQL) {
	day := m.At.In(c.loc).Format("2006-01-02") + "#"
	for _, dv := range [][2]string{{"condition", m.Condition}, {"grade", m.Verdict.Grade}, {"band", m.Verdict.Band}} {
		if dv[1] != "" {
			c.add(aggMQL, day+dv[0]+":"+dv[1], "mqls")
		}
	}
}

func (c counts) writes() []table.Write {
	out := make([]table.Write, 0, len(c.m))
	for k, d := range c.m {
		out = append(out, table.AddTo(k[0], k[1], "agg", d))
	}
	return out
}

// channelOf is the person's first-touch channel, the funnel's grouping.
func channelOf(r Record) string {
	if len(r.Touches) == 0 {
		return "(none)"
	}
	return r.Touches[0].Channel
}
