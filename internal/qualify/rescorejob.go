package qualify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"time"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/table"
)

// A rescore is a background job: the request that starts it gets the job
// to poll, and whoever runs jobs (the local stack's worker; on AWS the
// admin function for a first slice and the sweep every run after) advances
// it in slices, saving its progress after each. A job that was interrupted
// (a crash, a Lambda timeout) resumes where it stopped; a person rescored
// twice comes out the same (RescorePerson is idempotent).
//
// Layout, owned here:
//
//	PK=JOB#rescore  SK=<job id>            the job: rules, progress, status
//	PK=JOB#rescore#<job id>  SK=chunk<n>    the people to rescore, 500 ids a chunk

const (
	jobPK     = "JOB#rescore"
	jobChunk  = 500
	KindJob   = "job"
	jobActive = "running"
	jobDone   = "done"
)

// Job is a rescore's progress.
type Job struct {
	ID         string    `json:"id"`
	Rules      string    `json:"rules"`
	Status     string    `json:"status"` // running, done
	Total      int       `json:"total"`
	Done       int       `json:"done"`
	NewMQLs    int       `json:"newMqls"`
	StartedAt  time.Time `json:"startedAt"`
	FinishedAt time.Time `json:"finishedAt,omitzero"`
	version    int64
}

// StartRescore records a job over every person (their ids listed now) and
// returns it; nothing is rescored yet. A job under the same rules still
// running is returned instead: it already replays everyone (a person
// created since is scored under these rules as their events come), and a
// second POST (a double click, a client's retry) started another full
// replay behind it, each listing every person again.
func (q *Qualifier) StartRescore(ctx context.Context) (Job, error) {
	active, err := q.ActiveRescores(ctx)
	if err != nil {
		return Job{}, err
	}
	for _, j := range active {
		if j.Rules == q.Engine.Version() {
			return j, nil
		}
	}
	people, err := identity.PersonIDs(ctx, q.T)
	if err != nil {
		return Job{}, err
	}
	sort.Strings(people)
	now := q.now()
	j := Job{ID: fmt.Sprintf("%s-%s", now.Format("20060102T150405"), shortID()), Rules: q.Engine.Version(), Status: jobActive, Total: len(people), StartedAt: now}
	for i := 0; i < len(people); i += jobChunk {
		ids, _ := json.Marshal(people[i:min(i+jobChunk, len(people))])
		if err := q.T.Put(ctx, table.Item{PK: jobPK + "#" + j.ID, SK: fmt.Sprintf("chunk%06d", i/jobChunk), Kind: KindJob, Data: ids}, table.NotExists); err != nil {
			return Job{}, err
		}
	}
	if j.Total == 0 {
		j.Status, j.FinishedAt = jobDone, now
	}
	data, _ := json.Marshal(j)
	if err := q.T.Put(ctx, table.Item{PK: jobPK, SK: j.ID, Kind: KindJob, Data: data}, table.NotExists); err != nil {
		return Job{}, err
	}
	j.version = 1
	return j, nil
}

// RescoreJob reads a job.
func (q *Qualifier) RescoreJob(ctx context.Context, id string) (Job, error) {
	if !jobIDRE.MatchString(id) {
		return Job{}, table.ErrNotFound // a malformed id names none, and no key can hold some (NUL, too long)
	}
	it, err := q.T.Get(ctx, jobPK, id)
	if err != nil {
		return Job{}, err
	}
	var j Job
	if err := json.Unmarshal(it.Data, &j); err != nil {
		return Job{}, err
	}
	j.version = it.Version
	return j, nil
}

// ActiveRescores lists the jobs not finished.
func (q *Qualifier) ActiveRescores(ctx context.Context) ([]Job, error) {
	items, err := q.T.Query(ctx, table.Query{PK: jobPK, Consistent: true})
	if err != nil {
		return nil, err
	}
	var out []Job
	for _, it := range items {
		var j Job
		if err := json.Unmarshal(it.Data, &j); err != nil {
			return nil, err
		}
		if j.Status == jobActive {
			j.version = it.Version
			out = append(out, j)
		}
	}
	return out, nil
}

// AdvanceRescore rescoring up to n more people of a job (or until ctx
// ends), saving progress after each person, and returns the job.
func (q *Qualifier) AdvanceRescore(ctx context.Context, id string, n int) (Job, error) {
	j, err := q.RescoreJob(ctx, id)
	if err != nil || j.Status != jobActive {
		return j, err
	}
	var ids []string // the chunk of people j.Done is in, read once a chunk
	chunkAt := -1
	for k := 0; k < n && j.Done < j.Total && ctx.Err() == nil; k++ {
		if j.Done/jobChunk != chunkAt {
			chunkAt = j.Done / jobChunk
			chunk, err := q.T.Get(ctx, jobPK+"#"+j.ID, fmt.Sprintf("chunk%06d", chunkAt))
			if err != nil {
				return j, err
			}
			ids = nil
			if err := json.Unmarshal(chunk.Data, &ids); err != nil {
				return j, err
			}
		}
		if j.Done%jobChunk >= len(ids) {
			return j, fmt.Errorf("qualify: rescore job %s: chunk %d has %d people", j.ID, chunkAt, len(ids))
		}
		if person := ids[j.Done%jobChunk]; person != "" { // blank: erased since the job started
			before, err := q.MQLs(ctx, person)
			if err != nil {
				return j, err
			}
			if err := q.RescorePerson(ctx, person); err != nil && !errors.Is(err, identity.ErrNotFound) {
				return j, err
			}
			if q.Rescored != nil {
				if err := q.Rescored(ctx, person); err != nil {
					return j, err
				}
			}
			after, err := q.MQLs(ctx, person)
			if err != nil {
				return j, err
			}
			j.NewMQLs += len(after) - len(before)
		}
		j.Done++
		if j.Done == j.Total {
			j.Status, j.FinishedAt = jobDone, q.now()
		}
		data, _ := json.Marshal(j)
		if err := q.T.Put(ctx, table.Item{PK: jobPK, SK: j.ID, Kind: KindJob, Data: data}, table.VersionIs(j.version)); err != nil {
			if errors.Is(err, table.ErrConditionFailed) {
				return q.RescoreJob(ctx, id) // another worker advanced it: theirs stands
			}
			return j, err
		}
		j.version++
		if j.Status == jobDone {
			// The list of people is no longer needed: it goes (it names
			// people, and erasure need not chase finished jobs).
			chunks, err := q.T.Query(ctx, table.Query{PK: jobPK + "#" + j.ID, Consistent: true})
			if err != nil {
				return j, err
			}
			for _, c := range chunks {
				if err := q.T.Delete(ctx, c.PK, c.SK, table.Always); err != nil {
					return j, err
				}
			}
		}
	}
	return j, nil
}

// RunRescores advances every active job until done or ctx ends (the local
// stack's worker; on AWS the sweep calls it with a deadline).
func (q *Qualifier) RunRescores(ctx context.Context) error {
	jobs, err := q.ActiveRescores(ctx)
	if err != nil {
		return err
	}
	for _, j := range jobs {
		for j.Status == jobActive && ctx.Err() == nil {
			if j, err = q.AdvanceRescore(ctx, j.ID, 50); err != nil {
				if ctx.Err() != nil {
					return nil // out of time: the job resumes on the next run
				}
				return err
			}
		}
	}
	return nil
}

// jobIDRE is a job id as StartRescore makes it: its start, and shortID.
var jobIDRE = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}-[0-9a-f]{8}$`)

func shortID() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
