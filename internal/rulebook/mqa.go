package rulebook

import (
	"math"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/baton-hq/baton/internal/duration"
)

// MQA is the account-level qualification (a marketing qualified account):
// at least MinPeople people of one account active within Within, among
// them every role of RequireRoles, and the account score at least
// MinScore. internal/account judges it and raises it once per window.
type MQA struct {
	Name      string
	Label     Label // its name for sales (labels.go)
	MinPeople int
	Within    duration.Span // within_days: calendar days of the configured zone

	RequireRoles []string // decision_maker, manager, practitioner
	MinScore     float64
}

// BuyingRoles are the roles mqa.require_roles may name (internal/account
// reads them from job titles).
var BuyingRoles = []string{"decision_maker", "manager", "practitioner"}

func (p *parser) mqa(n *yaml.Node) *MQA {
	if n == nil {
		return nil
	}
	m := p.fields(n, "mqa", "name", "label", "min_people", "within_days", "require_roles", "min_score")
	q := &MQA{Name: p.str(m["name"], "mqa.name"), Label: p.label(m["label"], "mqa.label"), MinPeople: 2, Within: duration.Days(14)}
	if q.Name == "" {
		q.Name = "mqa"
	}
	if v := m["min_people"]; v != nil {
		f := p.num(v, "mqa.min_people")
		if f < 1 || f > 1000 || f != math.Trunc(f) {
			p.fail(v, "mqa.min_people", "must be a whole number from 1 to 1000")
		}
		q.MinPeople = int(f)
	}
	if v := m["within_days"]; v != nil {
		f := p.num(v, "mqa.within_days")
		if f <= 0 || f > 366 {
			p.fail(v, "mqa.within_days", "must be more than 0 and at most 366")
		}
		days := math.Trunc(f)
		q.Within = duration.Span{Days: int(days), Elapsed: time.Duration((f - days) * 24 * float64(time.Hour))}
	}
	for _, r := range p.strs(m["require_roles"], "mqa.require_roles") {
		if !slices.Contains(BuyingRoles, r) {
			p.fail(m["require_roles"], "mqa.require_roles", "unknown role %q (%s)", r, strings.Join(BuyingRoles, ", "))
		}
		if !slices.Contains(q.RequireRoles, r) {
			q.RequireRoles = append(q.RequireRoles, r)
		}
	}
	q.MinScore = p.num(m["min_score"], "mqa.min_score")
	return q
}
