package qualify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
)

// dealPfx: DEAL#<cycle>, the opportunities sales reported for the
// person's MQL cycle (a new qualification is a new deal), one item a cycle
// (cycleDeals).
const dealPfx = "DEAL#"

// MaxCycleDeals bounds the deals one MQL cycle holds: B2B sales open
// several (a second product, a second department), each its own status
// and amount, but the cycle's deals are one item, which must stay far
// under DynamoDB's 400 KB (a deal is under 1 KB with a 512-byte id). A
// report of a further deal is not recorded (DealRecorded.Full): its
// outcome still applies, and the feedback's answer says so.
const MaxCycleDeals = 20

// cycleDeals is a cycle's item: its first deal's fields at the top, as an
// item was when a cycle held one deal (such an item reads as that deal
// alone, and a cycle of one deal is still written so), the others in More.
type cycleDeals struct {
	Deal
	More []Deal `json:"more,omitempty"`
}

func decodeDeals(data []byte) ([]Deal, error) {
	var c cycleDeals
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, err
	}
	out := append([]Deal{c.Deal}, c.More...)
	for i := range out {
		out[i].Cycle = c.Cycle // one cycle's: the key's
	}
	return out, nil
}

func encodeDeals(ds []Deal) []byte {
	data, _ := json.Marshal(cycleDeals{Deal: ds[0], More: ds[1:]})
	return data
}

// dealOpen: a deal's own outcome has not closed it.
func dealOpen(outcome string) bool {
	return outcome != "won" && outcome != "lost" && outcome != "rejected"
}

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

// RecordDeal merges a reported deal into the person's deal it names (Ref)
// or, naming none, into their cycle's deal without an id. A cycle holds
// several deals (MaxCycleDeals), each its own fields: a second opportunity
// of the same cycle merged into the first overwrote its id, and the first's
// later win or loss was read as the second's. A deal an earlier cycle
// recorded stays that cycle's: an SFA sends an old opportunity's edits (a
// change event, an Outbound Message, a HubSpot deal webhook) long after
// the person was recycled and qualified again, and the current cycle's
// deal it became was pipeline the new cycle never had. A deal not yet
// recorded is the current cycle's: named, it takes over the cycle's one
// deal when that has no id (stored before the SFA named it, or sent by a
// source naming none first); naming none, it is the cycle's deal without
// an id, else its only deal (as when a cycle held one), else a new one. A
// report older than its deal's latest change is ignored (out-of-order
// delivery); repeats change nothing. A report naming a recorded deal with
// none of its fields but an outcome (a stage change alone) records that
// outcome on it. It reports whether a deal changed.
//
// An earlier cycle's deal is updated, not the report ignored: the reports
// read such a deal only as that cycle's win (its amount then is the won
// amount, which an edit corrects) and never as pipeline (only the current
// cycle's deals are open), so an edit moves no revenue between cycles.
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
	// Open is how many other deals of the cycle are open (no outcome
	// closed them): a loss of one is not the cycle's while others are.
	Open int
	// Full: the report was of a further deal of a cycle holding
	// MaxCycleDeals already, and not recorded.
	Full bool
}

// RecordDealOf is RecordDeal, saying which cycle's deal the report was.
func (q *Qualifier) RecordDealOf(ctx context.Context, person string, d DealReport) (DealRecorded, error) {
	if err := ValidateDeal(d); err != nil {
		return DealRecorded{}, err
	}
	// A report of none of the deal's fields writes nothing but a named
	// deal's outcome; naming its deal (a stage change alone of an old
	// opportunity), it still says whose deal it is, for the feedback
	// handler to tell whose outcome.
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
		items, err := q.T.Query(ctx, table.Query{PK: identity.PersonPK(person), Prefix: dealPfx, Consistent: true})
		if err != nil {
			return DealRecorded{}, err
		}
		cycle, named := rec.Cycle, false
		if d.Ref != "" {
			// The earliest cycle recording it, if several do (stored
			// before RecordDeal read Ref: the deal is that cycle's).
			for _, it := range items { // by cycle: the sort key's
				ds, err := decodeDeals(it.Data)
				if err != nil {
					return DealRecorded{}, err
				}
				if slices.ContainsFunc(ds, func(e Deal) bool { return e.Ref == d.Ref }) {
					cycle, named = ds[0].Cycle, true
					break
				}
			}
		}
		if !named && (!fields || earlierCycle(rec, d.At)) {
			return DealRecorded{}, nil // nothing to write, or an earlier cycle's deal
		}
		sk := fmt.Sprintf("%s%06d", dealPfx, cycle)
		var ds []Deal
		var version int64
		for _, it := range items {
			if it.SK == sk {
				if ds, err = decodeDeals(it.Data); err != nil {
					return DealRecorded{}, err
				}
				version = it.Version
			}
		}
		i := pickDeal(ds, d.Ref)
		r := DealRecorded{Earlier: cycle < rec.Cycle, Cycle: cycle}
		for j, e := range ds {
			if j != i && dealOpen(e.Outcome) {
				r.Open++
			}
		}
		if i < 0 {
			if !fields {
				return r, nil
			}
			if len(ds) >= MaxCycleDeals {
				r.Full = true
				return r, nil
			}
			ds = append(ds, Deal{Cycle: cycle})
			i = len(ds) - 1
		}
		cur := ds[i]
		r.Outcome = cur.Outcome
		if d.At.Before(cur.At) || !fields && (d.Outcome == "" || d.Outcome == cur.Outcome) {
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
		ds[i] = next
		err = q.T.Transact(ctx, []table.Write{
			table.Put(table.Item{PK: identity.PersonPK(person), SK: sk, Kind: "deal", Data: encodeDeals(ds)}, table.VersionIs(version)),
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

// pickDeal is the index in a cycle's deals of the one a report naming ref
// ("": none) is about, -1 for a new one (RecordDeal says which).
func pickDeal(ds []Deal, ref string) int {
	for i, e := range ds {
		if e.Ref == ref {
			return i
		}
	}
	if len(ds) == 1 && (ref == "" || ds[0].Ref == "") {
		return 0
	}
	return -1
}

// Deals returns a person's deals, by cycle (a cycle's in the order first
// recorded).
func (q *Qualifier) Deals(ctx context.Context, person string) ([]Deal, error) {
	items, err := q.T.Query(ctx, table.Query{PK: identity.PersonPK(person), Prefix: dealPfx, Consistent: true})
	if err != nil {
		return nil, err
	}
	out := make([]Deal, 0, len(items))
	for _, it := range items {
		ds, err := decodeDeals(it.Data)
		if err != nil {
			return nil, err
		}
		out = append(out, ds...)
	}
	return out, nil
}
