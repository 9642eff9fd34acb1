package qualify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
)

// dealPfx: DEAL#<cycle>, the opportunity sales reported for the person's
// MQL cycle (one per cycle: a new qualification is a new deal).
const dealPfx = "DEAL#"

// DealReport is what one SFA delivery said of a person's opportunity;
// nil fields were not in it (HubSpot sends one property per event).
type DealReport struct {
	Amount    *float64
	Currency  string // ISO 4217 (Salesforce CurrencyIsoCode, HubSpot deal_currency_code)
	CloseDate string // YYYY-MM-DD
	Outcome   string // the outcome reported with it ("" for an amount change alone)
	Source    string
	At        time.Time // when the SFA changed it (zero: now)
	// Ref names the SFA's deal (its opportunity or deal id), when the
	// delivery says which: the revenue report counts a deal several people
	// share once, and RecordDeal keeps a deal an earlier cycle recorded
	// that cycle's. "": the delivery names none (kintone's record, a
	// HubSpot contact's rollups read alone).
	Ref string
}

// Deal is a person's opportunity in one MQL cycle, the fields merged from
// every delivery, each field the latest reported.
type Deal struct {
	Cycle     int       `json:"cycle"`
	Amount    float64   `json:"amount"`
	HasAmount bool      `json:"hasAmount,omitempty"`
	Currency  string    `json:"currency,omitempty"`
	CloseDate string    `json:"closeDate,omitempty"`
	Outcome   string    `json:"outcome,omitempty"` // the latest outcome reported with deal fields
	Source    string    `json:"source,omitempty"`
	At        time.Time `json:"at"`            // the latest change applied
	Ref       string    `json:"ref,omitempty"` // the SFA's deal, when the delivery named it (DealReport.Ref)
}

// ValidateDeal checks a reported deal's fields (the feedback parsers' rule).
func ValidateDeal(d DealReport) error {
	if d.Amount != nil && (math.IsNaN(*d.Amount) || math.IsInf(*d.Amount, 0) || *d.Amount < 0 || *d.Amount > 1e15) {
		return errors.New("amount must be a number from 0 to 1e15")
	}
	if d.Currency != "" && (len(d.Currency) != 3 || strings.ToUpper(d.Currency) != d.Currency || strings.IndexFunc(d.Currency, func(r rune) bool { return r < 'A' || r > 'Z' }) >= 0) {
		return fmt.Errorf("currency %q must be an ISO 4217 code such as JPY", d.Currency)
	}
	if d.CloseDate != "" {
		if _, err := time.Parse("2006-01-02", d.CloseDate); err != nil {
			return fmt.Errorf("close date %q must be YYYY-MM-DD", d.CloseDate)
		}
	}
	return nil
}

// RecordDeal merges a reported deal into the person's deal of their
// current cycle, or, when it names (Ref) a deal an earlier cycle recorded,
// into that cycle's deal: an SFA sends an old opportunity's edits (a
// change event, an Outbound Message, a HubSpot deal webhook) long after
// the person was recycled and qualified again, and the current cycle's
// deal it became was pipeline the new cycle never had. A report older
// than the stored deal's latest change is ignored (out-of-order
// delivery); repeats change nothing. It reports whether the deal changed.
//
// An earlier cycle's deal is updated, not the report ignored: the reports
// read such a deal only as that cycle's win (its amount then is the won
// amount, which an edit corrects) and never as pipeline (only the current
// cycle's deal is open), so an edit moves no revenue between cycles; its
// outcome changes only when the report carries one, as in any cycle.
func (q *Qualifier) RecordDeal(ctx context.Context, person string, d DealReport) (bool, error) {
	r, err := q.RecordDealOf(ctx, person, d)
	return r.Changed, err
}

// DealRecorded is what RecordDealOf did with a report.
type DealRecorded struct {
	Changed bool
	// Earlier: the report named (Ref) an earlier cycle's deal, Cycle,
	// whose outcome before it was Outcome. The feedback handler applies
	// such a report's outcome to the person's current cycle only if it is
	// a win (feedback's applyAll says why).
	Earlier bool
	Cycle   int
	Outcome string
}

// RecordDealOf is RecordDeal, saying which cycle's deal the report was.
func (q *Qualifier) RecordDealOf(ctx context.Context, person string, d DealReport) (DealRecorded, error) {
	if err := ValidateDeal(d); err != nil {
		return DealRecorded{}, err
	}
	// A report of none of the deal's fields writes nothing; naming its
	// deal (a stage change alone of an old opportunity), it still says
	// whose deal it is, for the feedback handler to tell whose outcome.
	fields := d.Amount != nil || d.Currency != "" || d.CloseDate != ""
	if !fields && d.Ref == "" {
		return DealRecorded{}, nil
	}
	if d.At.IsZero() {
		d.At = q.now()
	}
	for attempt := 0; table.Again(ctx, attempt); attempt++ {
		// The person is read each attempt, and the deal written on
		// condition that they are not erased: a report that found them
		// before an erasure and comes after it writes nothing back.
		p, err := q.Dir.Get(ctx, person)
		if err != nil {
			return DealRecorded{}, err
		}
		rec, err := q.Record(ctx, person)
		if err != nil {
			return DealRecorded{}, err
		}
		cycle, named := rec.Cycle, false
		if d.Ref != "" && rec.Cycle > 1 {
			if cycle, named, err = q.dealCycle(ctx, person, d.Ref); err != nil {
				return DealRecorded{}, err
			}
			if !named {
				cycle = rec.Cycle
			}
		}
		if !named && (!fields || earlierCycle(rec, d.At)) {
			return DealRecorded{}, nil // nothing to write, or an earlier cycle's deal
		}
		sk := fmt.Sprintf("%s%06d", dealPfx, cycle)
		var cur Deal
		var version int64
		it, err := q.T.Get(ctx, identity.PersonPK(person), sk)
		switch {
		case err == nil:
			if err := json.Unmarshal(it.Data, &cur); err != nil {
				return DealRecorded{}, err
			}
			version = it.Version
		case errors.Is(err, table.ErrNotFound):
			cur = Deal{Cycle: cycle}
		default:
			return DealRecorded{}, err
		}
		r := DealRecorded{Earlier: cycle < rec.Cycle, Cycle: cycle, Outcome: cur.Outcome}
		if !fields || d.At.Before(cur.At) {
			return r, nil
		}
		next := cur
		if d.Amount != nil {
			next.Amount, next.HasAmount = *d.Amount, true
		}
		if d.Currency != "" {
			next.Currency = d.Currency
		}
		if d.CloseDate != "" {
			next.CloseDate = d.CloseDate
		}
		if d.Outcome != "" {
			next.Outcome = d.Outcome
		}
		if d.Source != "" {
			next.Source = d.Source
		}
		if d.Ref != "" {
			next.Ref = d.Ref
		}
		next.At = d.At.UTC()
		if next == cur {
			return r, nil
		}
		data, _ := json.Marshal(next)
		err = q.T.Transact(ctx, []table.Write{
			table.Put(table.Item{PK: identity.PersonPK(person), SK: sk, Kind: "deal", Data: data}, table.VersionIs(version)),
			privacy.NotErased(p.Email),
		})
		if err == nil {
			r.Changed = true
			return r, nil
		}
		if !errors.Is(err, table.ErrConditionFailed) {
			return DealRecorded{}, err
		}
	}
	return DealRecorded{}, errors.New("qualify: too much contention recording a deal")
}

// dealCycle is the cycle whose deal is the SFA's deal ref, the earliest
// if several are (stored before RecordDeal read Ref: the deal belongs to
// the cycle that recorded it first).
func (q *Qualifier) dealCycle(ctx context.Context, person, ref string) (int, bool, error) {
	ds, err := q.Deals(ctx, person)
	if err != nil {
		return 0, false, err
	}
	for _, d := range ds { // by cycle: the sort key's
		if d.Ref == ref {
			return d.Cycle, true, nil
		}
	}
	return 0, false, nil
}

// Deals returns a person's deals, by cycle.
func (q *Qualifier) Deals(ctx context.Context, person string) ([]Deal, error) {
	items, err := q.T.Query(ctx, table.Query{PK: identity.PersonPK(person), Prefix: dealPfx, Consistent: true})
	if err != nil {
		return nil, err
	}
	out := make([]Deal, 0, len(items))
	for _, it := range items {
		var d Deal
		if err := json.Unmarshal(it.Data, &d); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}
