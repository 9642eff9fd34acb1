package click

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/table"
)

// EventGetter reads one stored event; see eventlog.Log.
type EventGetter interface {
	Get(ctx context.Context, visitor, id string) (event.Event, error)
}

// CampaignEvents returns the click and open events of one campaign that
// name a recipient, found through the records every such event leaves
// under its person (CE#): one pass over the people's partitions, then one
// read per event. For the campaign report, not the request path of a click.
func CampaignEvents(ctx context.Context, t table.Table, events EventGetter, campaign string) ([]event.Event, error) {
	type ref struct{ visitor, id string }
	var refs []ref
	err := identity.ScanPeople(ctx, t, func(_ string, it table.Item) error {
		id, ok := strings.CutPrefix(it.SK, eventRefPrefix)
		if !ok {
			return nil
		}
		var r struct {
			Visitor string `json:"visitor"`
		}
		if json.Unmarshal(it.Data, &r) == nil && r.Visitor != "" {
			refs = append(refs, ref{r.Visitor, id})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out []event.Event
	for _, r := range refs {
		ev, err := events.Get(ctx, r.visitor, r.id)
		if errors.Is(err, eventlog.ErrNotFound) {
			continue // expired (retention) or not stored after all
		}
		if err != nil {
			return nil, err
		}
		if c, _ := ev.Properties["campaign"].(string); c == campaign {
			out = append(out, ev)
		}
	}
	return out, nil
}
