package feedback

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/baton-hq/baton/internal/textcut"
)

// PropertyLabels reads the options of an enumeration property of object
// (contacts) by GET /crm/v3/properties/{object}/{name} (scope
// crm.schemas.contacts.read for contacts): each option's internal value ->
// its label, as HubSpot shows it to sales (hs_lead_status UNQUALIFIED ->
// "Unqualified", or the label the account gave its own option).
func (d *HubSpotDeals) PropertyLabels(ctx context.Context, object, name string) (map[string]string, error) {
	body, err := d.get(ctx, "/crm/v3/properties/"+url.PathEscape(object)+"/"+url.PathEscape(name), url.Values{"archived": {"false"}}, "property "+name)
	if err != nil {
		return nil, err
	}
	var got struct {
		Options []struct {
			Label string `json:"label"`
			Value string `json:"value"`
		} `json:"options"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		return nil, fmt.Errorf("HubSpot's property %s: %v", name, err)
	}
	out := map[string]string{}
	for _, o := range got.Options {
		if l := strings.TrimSpace(o.Label); l != "" {
			out[o.Value] = l
		}
	}
	return out, nil
}

// labelCache is the handler's memory of hs_lead_status's labels (per
// process), read again after ownerTTL (an option renamed), and of a
// failure to read them, not asked again for refusalTTL (a missing scope)
// or within the batch's rate limit.
type labelCache struct {
	mu     sync.Mutex
	labels map[string]string
	until  time.Time
}

// hubspotReasons gives each hs_lead_status verdict the label sales chose
// (HubSpot's option label), as their reason. The webhook carries the
// option's internal value (UNQUALIFIED, or an account's own
// "option_3"), which is no words of sales: without the label (no token,
// the scope missing, HubSpot failing, a value no option has) the verdict
// has no reason rather than that value. The label never holds an outcome
// back, like the owner.
func (h *Handler) hubspotReasons(ctx context.Context, vs []Verdict) {
	need := false
	for _, v := range vs {
		need = need || v.leadStatus != "" && v.Outcome != "" && v.Refused == "" && v.Unread == ""
	}
	if !need || h.HubSpotLabels == nil {
		return
	}
	labels := h.leadStatusLabels(ctx)
	for i, v := range vs {
		if v.leadStatus != "" {
			vs[i].Why = textcut.Bytes(labels[v.leadStatus], 200) // "": no label known
		}
	}
}

// leadStatusLabels is hs_lead_status's value -> label, remembered for
// ownerTTL; nil when HubSpot does not say.
func (h *Handler) leadStatusLabels(ctx context.Context) map[string]string {
	now := h.now()
	h.labels.mu.Lock()
	defer h.labels.mu.Unlock() // one read at a time: the others wait for its answer
	if now.Before(h.labels.until) {
		return h.labels.labels
	}
	if h.refused("properties") || h.rateLimited("properties") != nil {
		return nil
	}
	rctx, cancel := context.WithTimeout(ctx, ownerWait)
	defer cancel()
	labels, err := h.HubSpotLabels.PropertyLabels(rctx, "contacts", "hs_lead_status")
	if err != nil {
		h.noteLimit(err)
		var he *HubSpotError
		if errors.As(err, &he) && !he.Transient() {
			h.refuse("properties")
			h.Log.Warn("feedback hubspot: HubSpot refused to read hs_lead_status's options: outcomes are recorded without sales' reason (grant the private app crm.schemas.contacts.read)", "err", err)
		} else if ctx.Err() == nil {
			h.Log.Error("feedback hubspot: reading hs_lead_status's options failed: outcomes of this batch are recorded without sales' reason", "err", err)
		}
		return nil
	}
	h.labels.labels, h.labels.until = labels, now.Add(ownerTTL)
	return labels
}
