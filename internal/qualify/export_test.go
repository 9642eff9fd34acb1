package qualify

import "github.com/baton-hq/baton/internal/event"

// AddTouches is addTouches (no referrals of the company's own) for the
// package's external tests, which read the record through reports.
func (rec *Record) AddTouches(evs []event.Event) bool { return rec.addTouches(evs, nil) }
