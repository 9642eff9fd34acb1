package core

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/baton-hq/baton/internal/calendar"
	"github.com/baton-hq/baton/internal/fanout"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/reports"
	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/sla"
	"github.com/baton-hq/baton/internal/stdwebhook"
)

// Sweep runs the clock-driven work once: newsletter clicks whose visits
// are over are judged (click.Handler.Settle), SLA breaches are found and
// announced (once each), rescore jobs advance (their people listed, then
// rescored), (once per store) the reports' index of scored people and
// the campaigns' list are completed, and the people list's ranking is
// built again when stale (qualify.RefreshRanking), and so are the
// dashboard's figures (reports.RefreshSnapshot). Retention is DynamoDB
// TTL on AWS and the local stack's purge.
//
// Each step has a budget (sweepBudgets), together within the sweep
// function's 120 s, and a step that fails or runs out of time holds back
// none after it: each keeps its progress and the next run goes on, and
// the failures are returned together at the end. (Clicks had no budget
// and their failure ended the sweep: after a large newsletter, judging
// its clicks took the whole run and no SLA breach was announced.)
func (a *Core) Sweep(ctx context.Context) ([]sla.Breach, error) {
	var errs []error
	step := func(budget time.Duration, run func(ctx context.Context) error) {
		sctx, cancel := context.WithTimeout(ctx, budget)
		defer cancel()
		if err := run(sctx); err != nil && sctx.Err() == nil {
			errs = append(errs, err) // (out of time is no failure: the next run goes on)
		}
	}
	if a.SettleClicks != nil {
		step(sweepBudgets.clicks, func(ctx context.Context) error { _, err := a.SettleClicks(ctx); return err })
	}
	// Sales' time runs from the lead's delivery (push keeps it), when a
	// connector hands leads to them; else from the raise (the inbox).
	var delivered sla.Delivered
	var between sla.DeliveredBetween
	if a.Config.HandsOff() {
		delivered = func(ctx context.Context, mqlID string) (time.Time, bool, error) {
			return push.FirstDelivery(ctx, a.Table, mqlID)
		}
		between = func(ctx context.Context, from, to time.Time) (map[string]time.Time, error) {
			return push.FirstDeliveredBetween(ctx, a.Table, from, to)
		}
	}
	var bs []sla.Breach
	if a.Qualifier != nil {
		// An SLA webhook that fails (down, or refusing a payload) holds
		// back nothing either: on AWS only the sweep advances rescore jobs.
		// The MQLs delivered within the lookback are looked at whatever
		// their raise: a dead letter replayed months later is sales' then.
		sweeper := &sla.Sweeper{Q: a.Qualifier, Delivered: delivered, Between: between, Now: a.Now}
		if a.BreachOwner != nil {
			// The rep the SFA's assignment gave the lead: sales have
			// answered nothing, so no verdict names one.
			sweeper.Owner = boundedOwners(a.BreachOwner, a.Log, context.WithTimeout)
		}
		step(sweepBudgets.sla, func(ctx context.Context) (err error) {
			bs, err = sweeper.Sweep(ctx, a.Config.File.AcceptWithin(a.Cal), 90*24*time.Hour, a.announceBreach)
			return err
		})
		unfed, err := a.UnfedFitRules(ctx)
		errs = append(errs, err)
		for _, u := range unfed {
			a.Log.Warn("rules: " + u)
		}
		// MQLs stored whose relay to the push queue was lost (a failed
		// stream batch not replayed in time) go to the push queue again.
		if a.Requeue != nil {
			rq := &push.Requeue{T: a.Table, MQLs: a.Qualifier.MQLsSince, Dir: a.People, Connectors: a.Config.Connectors(),
				After: LostAfter, Window: LostWindow, Now: a.Now, Send: a.Requeue, Log: a.Log}
			step(sweepBudgets.requeue, func(ctx context.Context) error {
				n, err := rq.Run(ctx)
				if n > 0 {
					a.Log.Warn("push: MQLs that never reached delivery queued again", "mqls", n)
				}
				return err
			})
		}
		// Rescore jobs advance here on AWS (the admin request only records
		// them: listing the people is a scan); progress is saved per page
		// listed and per person rescored, and the next run resumes.
		step(sweepBudgets.rescores, a.Qualifier.RunRescores)
	}
	// Once per store, a page at a time (scans: never in a page's request),
	// the position kept, so a large table's takes several runs.
	if a.ListOldCampaigns != nil {
		step(sweepBudgets.backfill, func(ctx context.Context) error {
			n, err := a.ListOldCampaigns(ctx)
			if n > 0 {
				a.Log.Info("campaigns: listed campaigns stored before the list", "campaigns", n)
			}
			return err
		})
	}
	if a.Qualifier != nil {
		// People scored before the reports' index (until it is complete
		// the reports read by a pass over the people).
		step(sweepBudgets.backfill, func(ctx context.Context) error {
			n, err := qualify.IndexScoredPeople(ctx, a.Table)
			if n > 0 {
				a.Log.Info("reports: indexed people scored before the index", "people", n)
			}
			return err
		})
		// The people list's order (qualify.RankedPage) and the dashboard's
		// figures (reports.ReadSnapshot), each built again when older than
		// qualify.RankingMaxAge or reports.SnapshotMaxAge (every score
		// record read; every scored person's facts), one budget for both:
		// the dashboard's build has what the ranking's leaves.
		in := reports.SLAInputs{Within: a.Config.File.AcceptWithin(a.Cal), Calendar: a.Cal, Delivered: delivered, Between: between}
		step(sweepBudgets.views, func(ctx context.Context) error {
			_, rerr := qualify.RefreshRanking(ctx, a.Table, a.Now(), qualify.RankingMaxAge)
			if rerr != nil && ctx.Err() != nil {
				a.Log.Warn("people list: building its ranking took longer than the sweep's budget; pages read the last one built", "budget", sweepBudgets.views)
				return rerr
			}
			_, derr := reports.RefreshSnapshot(ctx, a.Table, in, a.Now(), reports.SnapshotMaxAge)
			if derr != nil && ctx.Err() != nil {
				a.Log.Warn("dashboard: building its figures took longer than the sweep's budget; it shows the last ones built", "budget", sweepBudgets.views)
			}
			return errors.Join(rerr, derr)
		})
	}
	return bs, errors.Join(errs...)
}

// ownerReadTimeout bounds reading one breach's owner at the SFAs, and
// maxOwnerFailures the failed reads after which a sweep reads no more.
const (
	ownerReadTimeout = 5 * time.Second
	maxOwnerFailures = 3
)

// boundedOwners is read (a sweep's breaches' owners at the SFAs) within
// limits: each read gets ownerReadTimeout (withTimeout: context's, the
// tests' their own), and after maxOwnerFailures failed reads (the SFA
// down, or slow) the sweep's other breaches go out without an owner
// rather than wait on it past the step's budget. A read that fails leaves
// the breach without an owner (or with what it read of it), said in the
// log.
func boundedOwners(read func(context.Context, qualify.MQL) (qualify.Owner, error), log *slog.Logger,
	withTimeout func(context.Context, time.Duration) (context.Context, context.CancelFunc)) func(context.Context, qualify.MQL) qualify.Owner {
	failed := 0
	return func(ctx context.Context, m qualify.MQL) qualify.Owner {
		if failed >= maxOwnerFailures {
			return qualify.Owner{}
		}
		rctx, cancel := withTimeout(ctx, ownerReadTimeout)
		defer cancel()
		o, err := read(rctx, m)
		if err != nil {
			failed++
			log.Warn("SLA breach: its owner at the SFA not read", "mql", m.ID, "err", err)
		}
		return o
	}
}

// sweepBudgets are the sweep's steps' times: 20 + 25 + 10 + 15 + 10 + 10 +
// 25 s, within the sweep function's 120 s with room to answer (the
// function's context also ends lambdafn.Reserve before its deadline).
// views is the ranking's and the dashboard's builds' (the ranking's 15 s
// before the dashboard's, with 10 s of the rescores': a rescore job keeps
// its progress per person and goes on at the next run, a build is whole
// or nothing).
var sweepBudgets = struct{ clicks, sla, requeue, rescores, backfill, views time.Duration }{
	20 * time.Second, 25 * time.Second, 10 * time.Second, 15 * time.Second, 10 * time.Second, 25 * time.Second}

// LostAfter and LostWindow are when an MQL with no delivery record is
// taken as lost and queued again (push.Requeue): 2 hours after its raise
// (its relay follows the scoring transaction within seconds; its message,
// once queued, records its first attempt at once), for 7 days (qualified
// within them, by the MQL index: a sweep reads a week of the index, not
// every MQL). Not settings: no team has a reason to choose them, and the
// MQL list says "lost" for what they leave.
const (
	LostAfter  = 2 * time.Hour
	LostWindow = 7 * 24 * time.Hour
)

// announceBreach posts the breach to the SLA webhook, signed like every
// Baton webhook (Standard Webhooks, BATON_WEBHOOK_SECRET).
func (a *Core) announceBreach(ctx context.Context, b sla.Breach) error {
	url := a.Config.File.SLA.WebhookURL
	a.Log.Warn("SLA breach", "mql", b.MQL.ID, "age", b.Age.Round(time.Minute).String())
	if url == "" {
		return nil
	}
	key, err := stdwebhook.Key(a.Config.WebhookSecret)
	if err != nil {
		return fmt.Errorf("BATON_WEBHOOK_SECRET: %w", err)
	}
	// The wait and the SLA in minutes for a receiver's logic, and as people
	// read them on the calendar ("10 business hours") for its message;
	// waitingFor (Go's "10h0m0s") stays for receivers written against it
	// (breachData).
	body, _ := json.Marshal(map[string]any{"type": "mql.sla_breached", "data": breachData(b, a.Config.File.AcceptWithin(a.Cal), a.Cal)})
	now := a.Now()
	id := "sla-" + b.MQL.ID
	req, _ := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("webhook-id", id)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	req.Header.Set("webhook-signature", stdwebhook.Sign(key, id, now.Unix(), body))
	// Never followed (as no connector follows one): a 307 or 308 would post
	// the signed body, the person's email in it, wherever it points, an
	// address inside the network included.
	c := &http.Client{Timeout: 15 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode/100 == 3 {
		return fmt.Errorf("SLA webhook answered %d, a redirect to %q: redirects are never followed (check sla.webhook_url)", resp.StatusCode, resp.Header.Get("Location"))
	}
	if c := resp.StatusCode; c/100 == 4 && c != 408 && c != 429 {
		return fmt.Errorf("SLA webhook answered %d: %w", c, sla.ErrRefused) // this breach's: the next ones go on
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("SLA webhook answered %d", resp.StatusCode)
	}
	return nil
}

// unfedSample bounds the people the unfed-rule check reads; below
// unfedMinimum people it says nothing (too early to tell).
const (
	unfedSample  = 500
	unfedMinimum = 20
)

// UnfedFitRules names the fit rules whose attribute none of (a sample of)
// the people has: a rule that silently scores nobody, reported by the sweep
// in the log.
func (a *Core) UnfedFitRules(ctx context.Context) ([]string, error) {
	eng, ok := a.Qualifier.Engine.(*rulebook.Engine)
	if !ok {
		return nil, nil
	}
	// Scored people, from the reports' index: a sample by a table scan read
	// every item of a DynamoDB table with fewer people than the sample,
	// every 15 minutes.
	ids, err := qualify.SampleScored(ctx, a.Table, unfedSample)
	if err != nil || len(ids) < unfedMinimum {
		return nil, err
	}
	attrs := make([]map[string]string, len(ids))
	errs := make([]error, len(ids))
	err = fanout.Each(len(ids), 16, func(i int) {
		p, err := a.People.Get(ctx, ids[i])
		if errors.Is(err, identity.ErrNotFound) {
			return // erased since it was scored
		}
		attrs[i], errs[i] = p.Attributes, err
	})
	if err := errors.Join(append(errs, err)...); err != nil {
		return nil, err
	}
	return eng.Unfed(attrs), nil
}

// breachData is the breach webhook's data. The wait is in whole minutes
// rounded up: a breach is past the SLA, and a wait of 8h0m30s on an SLA
// of 8h said 480 minutes, "8 business hours", as the SLA's own. Its three
// spellings are of that one wait: waitingFor (Go's duration, kept for
// receivers written against it) was rounded to the nearest minute and
// said 8m0s beside waitingMinutes 9 and waiting "9m". The times are in
// the calendar's zone (the configured timezone), as the MQL webhook's.
func breachData(b sla.Breach, within time.Duration, cal calendar.Calendar) map[string]any {
	waited := b.Age.Truncate(time.Minute)
	if waited < b.Age {
		waited += time.Minute
	}
	loc := cal.Location()
	return map[string]any{
		"mqlId": b.MQL.ID, "personId": b.MQL.Person, "email": b.MQL.Email, "qualifiedAt": b.MQL.At.In(loc), "raisedAt": b.MQL.Raised().In(loc), "deliveredAt": b.Delivered.In(loc), "condition": b.MQL.Condition,
		"waitingFor": waited.String(), "waitingMinutes": int64(waited / time.Minute), "waiting": cal.Describe(waited),
		"acceptWithinMinutes": int64(within / time.Minute), "acceptWithin": cal.Describe(within), "businessTime": cal.Business,
		// Who the lead waits on, as the SFA has the record's owner (a
		// Salesforce User's email or queue's name, a HubSpot owner's
		// email) and its id there; null when no SFA says.
		"owner": nonEmpty(b.Owner.Name), "ownerId": nonEmpty(b.Owner.ID),
	}
}

// nonEmpty is s, or nil (JSON null) when empty.
func nonEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
