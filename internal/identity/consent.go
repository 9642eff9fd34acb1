package identity

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
)

// WithdrawConsent records that the person the visitor belongs to now (if
// any) withdrew consent at at: the opt-out of one browser holds for them
// wherever else Baton would record them (Directory.Active, list imports).
//
// Each of the person's visitor ids is held too (privacy.Hold), so the
// server API refuses calls under their user id with the read it makes for
// erased ones (RefusedVisitor).
func (s *Stitcher) WithdrawConsent(ctx context.Context, visitor string, at time.Time) error {
	person, err := s.PersonOf(ctx, visitor)
	if err != nil || person == "" {
		return err
	}
	return s.WithdrawPerson(ctx, person, at)
}

// WithdrawPerson records that a person withdrew consent at at, as a
// browser's opt-out does, however they asked (a request to stop using
// their data, 利用停止, the operator records in the workspace). An unknown
// person is ErrNotFound.
func (s *Stitcher) WithdrawPerson(ctx context.Context, person string, at time.Time) error {
	if _, err := s.Dir.Get(ctx, person); err != nil {
		return err
	}
	if err := s.Dir.setConsentWithdrawn(ctx, person, at.UTC()); err != nil {
		return err
	}
	vs, err := s.Dir.Visitors(ctx, person)
	if err != nil {
		return err
	}
	for _, v := range vs {
		if err := privacy.Hold(ctx, s.Dir.T, "visitor:"+v, at); err != nil {
			return err
		}
	}
	return nil
}

// RegainConsent lifts a person's withdrawal: they sent a form from a
// browser that collects, their newer choice (or told the operator so). An
// unknown person is ErrNotFound, as for WithdrawPerson.
func (s *Stitcher) RegainConsent(ctx context.Context, person string) error {
	if _, err := s.Dir.Get(ctx, person); err != nil {
		return err
	}
	vs, err := s.Dir.Visitors(ctx, person)
	if err != nil {
		return err
	}
	for _, v := range vs {
		if err := privacy.Release(ctx, s.Dir.T, "visitor:"+v); err != nil {
			return err
		}
	}
	return s.Dir.setConsentWithdrawn(ctx, person, time.Time{})
}

func (d *Directory) setConsentWithdrawn(ctx context.Context, id string, at time.Time) error {
	for attempt := 0; table.Again(ctx, attempt); attempt++ {
		p, ver, err := d.get(ctx, id)
		if errors.Is(err, ErrNotFound) {
			return nil // erased meanwhile: nothing to record
		}
		if err != nil {
			return err
		}
		if p.ConsentWithdrawn.Equal(at) {
			return nil
		}
		p.ConsentWithdrawn, p.UpdatedAt = at, d.now()
		data, _ := json.Marshal(p)
		err = d.T.Put(ctx, table.Item{PK: PersonPK(id), SK: personSK, Kind: KindPerson, Data: data}, table.VersionIs(ver))
		if !errors.Is(err, table.ErrConditionFailed) {
			return err
		}
	}
	return errors.New("identity: too much contention recording consent")
}
