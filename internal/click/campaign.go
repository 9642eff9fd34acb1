package click

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
)

// A campaign's own partition: one small record per click or open that
// names a recipient, kept up to date with the click's verdict, so that the
// campaign report reads the campaign's activity alone (one query), never
// the people's partitions nor the events.
//
//	PK=CAMPEV#<campaign>  SK=<event id>  type, person, link, client, time, verdict (expires with the event)
const (
	KindActivity = "campaignevent"

	activityPfx = "CAMPEV#"
)

func activityPK(campaign string) string { return activityPfx + campaign }

// Activity is a recipient's click or open of a campaign, as the report
// needs it.
type Activity struct {
	Event   string    `json:"-"`
	Type    string    `json:"type"` // email_click, email_open
	Person  string    `json:"person"`
	Link    string    `json:"link,omitempty"`
	Client  string    `json:"client,omitempty"` // hash of the truncated address and user agent
	At      time.Time `json:"at"`
	Scanner bool      `json:"scanner,omitempty"` // flagged: a scanner, a bot or a privacy proxy
	Reason  string    `json:"reason,omitempty"`  // why (apple-mpp, honeypot, ...)
	Judged  bool      `json:"judged,omitempty"`  // a click whose visit was judged human
}

// CampaignActivity returns the campaign's recorded clicks and opens not
// expired at now (one query of the campaign's partition).
func CampaignActivity(ctx context.Context, t table.Table, campaign string, now time.Time) ([]Activity, error) {
	items, err := t.Query(ctx, table.Query{PK: activityPK(campaign), Consistent: true})
	if err != nil {
		return nil, err
	}
	out := make([]Activity, 0, len(items))
	for _, it := range items {
		if !it.Live(now) {
			continue
		}
		var a Activity
		if err := json.Unmarshal(it.Data, &a); err != nil {
			return nil, err
		}
		a.Event = it.SK
		out = append(out, a)
	}
	return out, nil
}

// recordActivity writes a stored click's or open's record in its
// campaign's partition.
func (h *Handler) recordActivity(ctx context.Context, ev *event.Event, campaign, person, client string) error {
	a := Activity{Type: ev.Type, Person: person, Client: client, At: ev.Timestamp, Scanner: ev.Enrichment.Scanner || ev.Enrichment.Bot, Reason: ev.Enrichment.FlagReason}
	a.Link, _ = ev.Properties["link"].(string)
	data, _ := json.Marshal(a)
	it := table.Item{PK: activityPK(campaign), SK: ev.ID, Kind: KindActivity, Data: data}
	if l, ok := h.Events.(*eventlog.Log); ok && l.Retention > 0 {
		it.Expires = ev.ReceivedAt.Add(l.Retention) // gone with its event
	}
	return h.T.Put(ctx, it, table.Always)
}

// updateActivity changes a click's record after the fact (flagged, or
// judged human); a record absent (erased, or a click from before records
// were kept) is left so.
func (h *Handler) updateActivity(ctx context.Context, campaign, id string, change func(*Activity)) error {
	if h.T == nil || campaign == "" || id == "" {
		return nil
	}
	for attempt := 0; table.Again(ctx, attempt); attempt++ {
		it, err := h.T.Get(ctx, activityPK(campaign), id)
		if errors.Is(err, table.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		var a Activity
		if err := json.Unmarshal(it.Data, &a); err != nil {
			return err
		}
		change(&a)
		it.Data, _ = json.Marshal(a)
		err = h.T.Put(ctx, it, table.VersionIs(it.Version))
		if !errors.Is(err, table.ErrConditionFailed) {
			return err
		}
	}
	return errors.New("click: too much contention updating a campaign record")
}

// campaignOfMemo is the campaign of a click memory's sort key (memoPrefix).
func campaignOfMemo(sk string) string {
	c, _, _ := strings.Cut(strings.TrimPrefix(sk, "C#"), "#")
	return c
}

// forgetActivity deletes the campaign record of an event named under a
// person (CE#), when the reference says its campaign.
func (h *Handler) forgetActivity(ctx context.Context, campaign, id string) (privacy.Removed, error) {
	if campaign == "" {
		return privacy.Removed{}, nil
	}
	return privacy.DeleteQuery(ctx, h.T, activityQuery(campaign, id), nil)
}

// activityQuery finds the campaign record of an event (forgetActivity,
// Disclose).
func activityQuery(campaign, id string) table.Query {
	return table.Query{PK: activityPK(campaign), Prefix: id}
}
