package account

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"time"
)

// Visits are anonymous visits attributed to the account: runs of events
// of one unidentified browser, each less than VisitGap after the one
// before (a session, as web analytics count them), whose network (GeoIP
// ASN organisation) names the company. Before, every page view counted:
// one person reading ten pages was "10 visits".
type Visits struct {
	Count  int       `json:"count"`
	Last   time.Time `json:"last,omitzero"`
	Recent []string  `json:"recent,omitempty"` // the latest event ids, newest last (a repeat of the feed counts once)
	// Open are the browsers whose visit may still go on: a short hash of
	// the browser id (not the id: the account outlives an erasure) and
	// its latest event, none older than VisitGap before the newest.
	Open []OpenVisit `json:"open,omitempty"`
}

// OpenVisit is a browser's visit that a next event may continue. It is
// stored as [browser, first, last] with Unix seconds: the account item is
// rewritten with every batch of its network's visits, and its size is the
// write's cost.
type OpenVisit struct {
	Browser     string
	First, Last time.Time
}

// MarshalJSON writes [browser, first, last].
func (o OpenVisit) MarshalJSON() ([]byte, error) {
	return json.Marshal([]any{o.Browser, o.First.Unix(), o.Last.Unix()})
}

// UnmarshalJSON reads [browser, first, last].
func (o *OpenVisit) UnmarshalJSON(b []byte) error {
	var v struct {
		b    string
		f, t int64
	}
	if err := json.Unmarshal(b, &[]any{&v.b, &v.f, &v.t}); err != nil {
		return err
	}
	*o = OpenVisit{v.b, time.Unix(v.f, 0).UTC(), time.Unix(v.t, 0).UTC()}
	return nil
}

// VisitGap ends a visit: a browser's event this long after its last
// starts another (web analytics' 30-minute session).
const VisitGap = 30 * time.Minute

// add counts evs into v: an event starts a visit unless it falls within
// an open visit of its browser or less than VisitGap either side of it
// (the feed's order is not the events'); a repeated event changes nothing.
// Whether anything changed.
func (v *Visits) add(evs []VisitEvent) bool {
	changed := false
	for _, e := range evs {
		if slices.Contains(v.Recent, e.ID) {
			continue // a repeated change
		}
		changed = true
		v.Recent = append(v.Recent, e.ID)
		if e.At.After(v.Last) {
			v.Last = e.At
		}
		h := browserHash(e.Browser)
		i := slices.IndexFunc(v.Open, func(o OpenVisit) bool {
			return o.Browser == h && e.At.Sub(o.Last) < VisitGap && o.First.Sub(e.At) < VisitGap
		})
		if i < 0 {
			v.Count++
			// The browser's earlier visit, if any, takes no more events
			// in order: this one is its open visit.
			v.Open = slices.DeleteFunc(v.Open, func(o OpenVisit) bool { return o.Browser == h && o.Last.Before(e.At) })
			v.Open = append(v.Open, OpenVisit{h, e.At, e.At})
			continue
		}
		o := &v.Open[i]
		if e.At.Before(o.First) {
			o.First = e.At
		}
		if e.At.After(o.Last) {
			o.Last = e.At
		}
	}
	if len(v.Recent) > maxRecentVisits {
		v.Recent = v.Recent[len(v.Recent)-maxRecentVisits:]
	}
	// Visits ended long before the newest event are forgotten: one
	// more VisitGap is left for events the feed brings late (an event
	// later still counts as a visit of its own). At most maxOpenVisits
	// are kept, the latest: a network shared by thousands of browsers (an
	// access provider whose name is a customer's) must not grow the
	// account item towards DynamoDB's 400 KB; a browser forgotten early
	// has its next event counted as a new visit.
	v.Open = slices.DeleteFunc(v.Open, func(o OpenVisit) bool { return v.Last.Sub(o.Last) >= 2*VisitGap })
	if len(v.Open) > maxOpenVisits {
		slices.SortStableFunc(v.Open, func(a, b OpenVisit) int { return a.Last.Compare(b.Last) })
		v.Open = slices.Delete(v.Open, 0, len(v.Open)-maxOpenVisits)
	}
	return changed
}

// maxOpenVisits bounds an account's open visits (about 40 bytes each):
// more browsers than an office has at once.
const maxOpenVisits = 50

// browserHash names a browser in an account's open visits: 48 bits of
// its id's SHA-256, enough to tell an office's browsers of one hour apart.
func browserHash(visitor string) string {
	sum := sha256.Sum256([]byte(visitor))
	return hex.EncodeToString(sum[:6])
}
