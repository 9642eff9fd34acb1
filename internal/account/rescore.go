package account

import (
	"context"
	"time"
)

// Rescored brings a person's account up to date after a rescore rebuilt
// their score (qualify.Qualifier.Rescored, called for each person of the
// job): their points and the account's score and fit under the rules now
// loaded, written even when nothing else of theirs changed. A rescore is no
// activity, so their last activity stays.
func (b *Book) Rescored(ctx context.Context, person string) error {
	return b.refreshBatch(ctx, []string{person}, map[string]time.Time{person: {}}, true)
}
