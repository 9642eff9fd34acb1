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
	// Ref names the SFA's deal when several people may share it (a
	// HubSpot deal with its contacts): the revenue report counts it once.
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
	Ref       string    `json:"ref,omitempty"` // the SFA's deal, when people share it (DealReport.Ref)
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
// current cycle. A report older than the stored deal's latest change is
// ignored (out-of-order delivery); repeats change nothing. It reports
// whether the deal changed.
func (q *Qualifier) RecordDeal(ctx context.Context, person string, d DealReport) (bool, error) {
	if err := ValidateDeal(d); err != nil {
		return false, err
	}
	if d.Amount == nil && d.Currency == "" && d.CloseDate == "" {
		return false, nil
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
			return false, err
		}
		rec, err := q.Record(ctx, person)
		if err != nil {
			return false, err
		}
		if earlierCycle(rec, d.At) {
			return false, nil // an earlier cycle's deal
		}
		sk := fmt.Sprintf("%s%06d", dealPfx, rec.Cycle)
		var cur Deal
		var version int64
		it, err := q.T.Get(ctx, identity.PersonPK(person), sk)
		switch {
		case err == nil:
			if err := json.Unmarshal(it.Data, &cur); err != nil {
				return false, err
			}
			version = it.Version
		case errors.Is(err, table.ErrNotFound):
			cur = Deal{Cycle: rec.Cycle}
		default:
			return false, err
		}
		if d.At.Before(cur.At) {
			return false, nil
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
			return false, nil
		}
		data, _ := json.Marshal(next)
		err = q.T.Transact(ctx, []table.Write{
			table.Put(table.Item{PK: identity.PersonPK(person), SK: sk, Kind: "deal", Data: data}, table.VersionIs(version)),
			privacy.NotErased(p.Email),
		})
		if err == nil {
			return true, nil
		}
		if !errors.Is(err, table.ErrConditionFailed) {
			return false, err
		}
	}
	return false, errors.New("qualify: too much contention recording a deal")
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
