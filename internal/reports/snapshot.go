package reports

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/baton-hq/baton/internal/calendar"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/sla"
	"github.com/baton-hq/baton/internal/table"
)

// The dashboard's snapshot: the figures of the dashboard's view without a
// period or a channel picked (every grouping, every attribution model), as
// of when the sweep built them, in one item, so that the dashboard reads
// it and not every scored person's facts (at 100,000 people a load read
// 310,001 items, 3-6 s on the embedded store, more on DynamoDB). The
// sweep builds it again when older than SnapshotMaxAge
// (RefreshSnapshot), as it does the people list's ranking.
//
//	PK=DASHBOARD  SK=figures
//
// It holds counts, credits and the groups' values (channels, sources,
// media, campaign ids), the SLA's owners (sales reps) and the reasons
// sales gave: no lead's id, name or email, but a reason is sales' own
// words and may name the lead, so an erasure deletes the snapshot
// (SnapshotKeeper) and the dashboard computes live until the next build.
const (
	snapshotPK = "DASHBOARD"
	snapshotSK = "figures"

	// SnapshotMaxAge is how old the snapshot may grow before the sweep
	// builds it again (on AWS the sweep runs every 15 minutes: every run).
	SnapshotMaxAge = 10 * time.Minute
)

// SnapshotFrom is how many people the snapshot must count for the
// dashboard to read it: below, a load reads everyone's facts (a few
// thousand items) and shows what happened a moment ago.
var SnapshotFrom = 2000

// snapshotMaxBytes bounds the item (DynamoDB's is 400 KB): a grouping
// whose rows do not fit (thousands of campaigns) is left out, and the
// dashboard grouped so computes live.
var snapshotMaxBytes = 350_000

// snapshotParallel is how many people's facts a build reads at once (as
// the ranking's build: on DynamoDB a read takes milliseconds).
const snapshotParallel = 128

// Groupings are the dashboard's groupings, in the order kept in the
// snapshot while it fits (the last ones dropped first).
var Groupings = []string{"channel", "source", "medium", "campaign"}

// Grouped is one grouping's figures in a snapshot.
type Grouped struct {
	Funnel []FunnelRow `json:"funnel"`
	// MQLCredit is the MQLs' attribution: model -> group -> credit.
	MQLCredit map[string]map[string]float64 `json:"mqlCredit"`
}

// Snapshot is the dashboard's figures without a period or channel picked.
type Snapshot struct {
	At      time.Time          `json:"at"`
	People  int                `json:"people"` // scored people counted
	By      map[string]Grouped `json:"by"`     // grouping -> its figures (one missing: too large to keep)
	Quality []QualityRow       `json:"quality"`
	SLA     []SLARow           `json:"sla"`
}

// SLAInputs are what the SLA's figures are measured with (the dashboard's
// own: admin's Reports).
type SLAInputs struct {
	Within    time.Duration
	Calendar  calendar.Calendar
	Delivered sla.Delivered
	Between   sla.DeliveredBetween
}

// Figures computes the snapshot's figures of people as of now: what the
// dashboard computes live for each grouping without a period or channel.
func Figures(ctx context.Context, t table.Table, people []*Person, in SLAInputs, now time.Time) (Snapshot, error) {
	s := Snapshot{At: now.UTC(), People: len(people), By: map[string]Grouped{}}
	loc := in.Calendar.Location()
	for _, by := range Groupings {
		f := Filter{By: by, Loc: loc}
		s.By[by] = Grouped{Funnel: Funnel(people, f), MQLCredit: attribution(people, f, qualify.StageMQL)[qualify.StageMQL]}
	}
	f := Filter{Loc: loc}
	s.Quality = Quality(people, f)
	var owners map[string]string
	if t != nil {
		var err error
		if owners, err = sla.BreachOwners(ctx, t); err != nil {
			return s, err
		}
	}
	var err error
	s.SLA, err = SLAOf(ctx, people, f, in.Within, in.Calendar, now, in.Delivered, in.Between, owners)
	return s, err
}

// ReadSnapshot reads the snapshot; ok false when none is built yet.
func ReadSnapshot(ctx context.Context, t table.Table) (Snapshot, bool, error) {
	var s Snapshot
	it, err := t.Get(ctx, snapshotPK, snapshotSK)
	if errors.Is(err, table.ErrNotFound) {
		return s, false, nil
	} else if err != nil {
		return s, false, err
	}
	if json.Unmarshal(it.Data, &s) != nil {
		return Snapshot{}, false, nil // of another build of Baton: built again, computed live until then
	}
	return s, true, nil
}

// BuildSnapshot reads every scored person's facts (Load) and stores the
// dashboard's figures as of now.
func BuildSnapshot(ctx context.Context, t table.Table, in SLAInputs, now time.Time) error {
	people, err := load(ctx, t, snapshotParallel)
	if err != nil {
		return err
	}
	s, err := Figures(ctx, t, people, in, now)
	if err != nil {
		return err
	}
	data, err := json.Marshal(s)
	for i := len(Groupings) - 1; err == nil && len(data) > snapshotMaxBytes && i >= 0; i-- {
		delete(s.By, Groupings[i])
		data, err = json.Marshal(s)
	}
	if err != nil {
		return err
	}
	return t.Put(ctx, table.Item{PK: snapshotPK, SK: snapshotSK, Kind: "dashboard", Data: data}, table.Always)
}

// SnapshotKeeper is the snapshot's privacy.Keeper: any erasure deletes
// it, so that what the erased person's MQLs gave it (a reason sales wrote
// about them, a rep's name asked to be forgotten) does not outlive the
// erasure until the next build. The figures are everyone's, not the
// person's items: neither counted as removed nor disclosed.
type SnapshotKeeper struct{ T table.Table }

// Forget implements privacy.Forgetter.
func (k SnapshotKeeper) Forget(ctx context.Context, _ privacy.Subject) (privacy.Removed, error) {
	err := k.T.Delete(ctx, snapshotPK, snapshotSK, table.Always)
	if errors.Is(err, table.ErrNotFound) {
		err = nil
	}
	return privacy.Removed{}, err
}

// Disclose implements privacy.Discloser: nothing of the person's own.
func (k SnapshotKeeper) Disclose(context.Context, privacy.Subject) (privacy.Disclosure, error) {
	return privacy.Disclosure{}, nil
}

// RefreshSnapshot builds the snapshot again when it is older than maxAge
// at now, or absent (the sweep's step). It reports whether it built one.
func RefreshSnapshot(ctx context.Context, t table.Table, in SLAInputs, now time.Time, maxAge time.Duration) (bool, error) {
	s, ok, err := ReadSnapshot(ctx, t)
	if err != nil || (ok && now.Sub(s.At) < maxAge) {
		return false, err
	}
	return true, BuildSnapshot(ctx, t, in, now)
}
