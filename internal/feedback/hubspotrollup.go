package feedback

import (
	"context"
	"errors"

	"github.com/baton-hq/baton/internal/identity"
)

// hubspotRollup is what a contact's deal rollup v (recent_deal_amount,
// recent_deal_close_date) records. HubSpot puts the deal's whole amount on
// every contact of the deal, so recorded per contact one deal of a buying
// group counted once per contact. The contact's deal is read instead (its
// latest closed won by close date, the rollups being of closed won deals;
// else its latest) and recorded as its webhook records it (dealVerdicts:
// counted once, shared between its contacts). Without a reader, for a
// contact Baton does not know, without a deal, or with the token refused
// (warned once a refusalTTL), v as it is. HubSpot failing otherwise (429,
// 5xx, the network) is an error: answered 503, HubSpot sends the batch
// again, as for a deal's webhook.
func (h *Handler) hubspotRollup(ctx context.Context, v Verdict, book *dealBook, assoc map[string][]string) ([]Verdict, error) {
	ids, ok := assoc[v.ExternalID]
	if !ok || h.refused("deals") {
		return []Verdict{v}, nil // no reader, nobody Baton knows (apply says so), or the token refused
	}
	// The contact's deals' properties (100 a call), then the contacts of
	// the one chosen alone: those of the others are not needed.
	if err := book.read(ctx, ids, false); err != nil {
		return h.rollupAlone(v, err)
	}
	values := hubspotValues(h.HubSpotValues)
	var bestID, bestDate string
	bestWon := false
	for _, id := range ids {
		d, ok := book.deals[id]
		if !ok {
			continue // gone since
		}
		won := false
		if o, _ := outcomeOf(values, d.Stage); o == "won" {
			won = true
		}
		date := ""
		if r := dealOf(nil, "", d.CloseDate, "", v.At, h.Loc); r != nil {
			date = r.CloseDate // YYYY-MM-DD: compared as text
		}
		if bestID == "" || won && !bestWon || won == bestWon && date > bestDate {
			bestID, bestWon, bestDate = id, won, date
		}
	}
	if bestID != "" {
		if err := book.read(ctx, []string{bestID}, true); err != nil {
			return h.rollupAlone(v, err)
		}
	}
	best := book.deals[bestID]
	if bestID == "" {
		return []Verdict{v}, nil
	}
	if out := h.dealVerdicts(v, bestID, best, ""); len(out) > 0 {
		return out, nil
	}
	return []Verdict{v}, nil
}

// rollupContacts are the deals of the contacts of the rollups among vs
// whom Baton knows (nobody else's: most of a portal's contacts are not
// Baton's), read in one call for the batch (ContactsDeals), where a
// contact's two rollups, and the contacts of one deal, were a GET each.
// None without a reader or with the token refused (rollupAlone).
//
// Their deals' properties are read too, with the batch's others (book):
// the deals of every contact in as few calls as HubSpot's batches allow.
func (h *Handler) rollupContacts(ctx context.Context, vs []Verdict, book *dealBook) (map[string][]string, error) {
	out := map[string][]string{}
	if h.HubSpotDeals == nil || h.refused("deals") {
		return out, nil
	}
	var ids []string
	var first Verdict
	seen := map[string]bool{}
	for _, v := range vs {
		if !v.Rollup || seen[v.ExternalID] {
			continue
		}
		seen[v.ExternalID] = true
		if _, err := h.resolve(ctx, "hubspot", v); errors.Is(err, identity.ErrNotFound) {
			continue // HubSpot is not asked
		} else if err != nil {
			return nil, err
		}
		if ids == nil {
			first = v
		}
		ids = append(ids, v.ExternalID)
	}
	if len(ids) == 0 {
		return out, nil
	}
	got, err := (limitedDeals{h}).ContactsDeals(ctx, ids)
	if err != nil {
		_, err = h.rollupAlone(first, err) // a refusal: the rollups recorded alone (h.refused)
		return out, err
	}
	var deals []string
	for _, id := range ids {
		out[id] = got[id] // none: a contact without deals, or HubSpot has not
		deals = append(deals, got[id]...)
	}
	if err := book.read(ctx, deals, false); err != nil {
		_, err = h.rollupAlone(first, err)
		return out, err
	}
	return out, nil
}

// rollupAlone is rollup v recorded on its contact alone when HubSpot
// refused to say its deal: a contact it does not have (merged, deleted), a
// token without crm.objects.deals.read (warned, and not asked again for
// refusalTTL). A failure a retry may mend is returned.
func (h *Handler) rollupAlone(v Verdict, err error) ([]Verdict, error) {
	var he *HubSpotError
	switch {
	case errors.Is(err, ErrHubSpotNotFound):
		return []Verdict{v}, nil
	case !errors.As(err, &he) || he.Transient():
		return nil, err
	}
	h.refuse("deals")
	if he.MissingScope() {
		h.Log.Warn("feedback hubspot: the HubSpot token lacks the scope crm.objects.deals.read: deal rollups (recent_deal_amount) are recorded on each contact, so a deal with several contacts counts once for each (grant the private app the scope)", "contact", v.ExternalID, "err", err)
	} else {
		h.Log.Warn("feedback hubspot: HubSpot refused to read a contact's deals: deal rollups (recent_deal_amount) are recorded on each contact, so a deal with several contacts counts once for each", "contact", v.ExternalID, "err", err)
	}
	return []Verdict{v}, nil
}
