package qualify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/table"
)

// A rescore is a background job: the request that starts it only records
// it (listing every person is a scan of the whole table on DynamoDB, past
// API Gateway's 30 s on a large one) and gets the job to poll. Whoever runs
// jobs (the local stack's worker; on AWS the sweep, every run) first lists
// the people a scan page at a time, the page's people and the scan's
// cursor written in one transaction, then rescores them in slices, saving
// its progress after each person. A job that was interrupted (a crash, a
// Lambda timeout) resumes where it stopped; a person rescored twice comes
// out the same (RescorePerson is idempotent).
//
// Layout, owned here:
//
//	PK=JOB#rescore  SK=<job id>            the job: rules, progress, status, the scan's cursor while listing
//	PK=JOB#rescore#<job id>  SK=chunk<n>    the people to rescore, 500 ids a chunk
//	PK=JOB#rescore-current  SK=current       the id of the last job started (makes starting atomic)

const (
	jobPK      = "JOB#rescore"
	jobChunk   = 500
	KindJob    = "job"
	jobListing = "listing"
	jobActive  = "running"
	jobDone    = "done"

	jobCurrentPK = "JOB#rescore-current"
	jobCurrentSK = "current"
)

// Job is a rescore's progress.
type Job struct {
	ID         string    `json:"id"`
	Rules      string    `json:"rules"`
	Status     string    `json:"status"` // listing (the people, a page a run), running, done
	Total      int       `json:"total"`  // the people listed so far (all of them once running)
	Done       int       `json:"done"`
	NewMQLs    int       `json:"newMqls"`
	StartedAt  time.Time `json:"startedAt"`
	FinishedAt time.Time `json:"finishedAt,omitzero"`
	version    int64
	cursor     string // where the listing's scan resumes (table.ScanPage)
}

// unfinished reports whether the job has people to list or to rescore.
func (j Job) unfinished() bool { return j.Status == jobListing || j.Status == jobActive }

// storedJob is a job as stored: the scan's cursor is kept, not shown.
type storedJob struct {
	Job
	Cursor string `json:"cursor,omitempty"`
}

func encodeJob(j Job) []byte {
	b, _ := json.Marshal(storedJob{Job: j, Cursor: j.cursor})
	return b
}

func decodeJob(it table.Item) (Job, error) {
	var s storedJob
	if err := json.Unmarshal(it.Data, &s); err != nil {
		return Job{}, err
	}
	s.Job.version, s.Job.cursor = it.Version, s.Cursor
	return s.Job, nil
}

// StartRescore records a job over every person and returns it; nothing
// is listed nor rescored yet (AdvanceRescore does both). A job under the
// same rules not finished is returned instead: it already replays everyone
// (a person created since is scored under these rules as their events
// come), and a second POST (a double click, a client's retry) started
// another full replay behind it, each listing every person again.
func (q *Qualifier) StartRescore(ctx context.Context) (Job, error) {
	for tries := 0; ; tries++ {
		// The pointer to the last job started is read before looking for
		// an active one and written with the new job on condition it has
		// not moved: of two starts at once, one writes, the other's
		// transaction fails and it answers the job the first started.
		cur, err := q.T.Get(ctx, jobCurrentPK, jobCurrentSK)
		if err != nil && !errors.Is(err, table.ErrNotFound) {
			return Job{}, err
		}
		active, err := q.ActiveRescores(ctx)
		if err != nil {
			return Job{}, err
		}
		for _, j := range active {
			if j.Rules == q.Engine.Version() {
				return j, nil
			}
		}
		now := q.now()
		j := Job{ID: fmt.Sprintf("%s-%s", now.Format("20060102T150405"), shortID()), Rules: q.Engine.Version(), Status: jobListing, StartedAt: now}
		err = q.T.Transact(ctx, []table.Write{
			table.Put(table.Item{PK: jobPK, SK: j.ID, Kind: KindJob, Data: encodeJob(j)}, table.NotExists),
			table.Put(table.Item{PK: jobCurrentPK, SK: jobCurrentSK, Kind: KindJob, Data: []byte(strconv.Quote(j.ID))}, table.VersionIs(cur.Version)),
		})
		if errors.Is(err, table.ErrConditionFailed) && tries < 5 {
			continue // another start wrote first: its job is found active
		}
		if err != nil {
			return Job{}, err
		}
		j.version = 1
		return j, nil
	}
}

// listPage lists the people of one scan page into the job's list from
// its cursor: the ids appended to its chunks (the last one filled first)
// and the job's count and cursor moved past the page, in one transaction,
// so that a run ending mid-list resumes at the first page not listed and
// a page is never listed twice (the job's version holds the transaction;
// a chunk's, an erasure blanking an id in it). The last page makes the
// job running (done, when nobody was listed). A page of DynamoDB's 1 MB
// lists at most a few thousand people: a few chunks, well within a
// transaction's 100 writes and 4 MB.
func (q *Qualifier) listPage(ctx context.Context, j Job) (Job, error) {
	people, next, err := identity.PersonIDsPage(ctx, q.T, j.cursor)
	if err != nil {
		return j, err
	}
	var ws []table.Write
	at := j.Total
	if at%jobChunk != 0 && len(people) > 0 { // the last chunk has room
		sk := fmt.Sprintf("chunk%06d", at/jobChunk)
		last, err := q.T.Get(ctx, jobPK+"#"+j.ID, sk)
		if err != nil {
			return j, err
		}
		var ids []string
		if err := json.Unmarshal(last.Data, &ids); err != nil {
			return j, err
		}
		n := min(jobChunk-len(ids), len(people))
		data, _ := json.Marshal(append(ids, people[:n]...))
		ws = append(ws, table.Put(table.Item{PK: last.PK, SK: sk, Kind: KindJob, Data: data}, table.VersionIs(last.Version)))
		people, at = people[n:], at+n
	}
	for len(people) > 0 {
		chunk := people[:min(jobChunk, len(people))]
		data, _ := json.Marshal(chunk)
		ws = append(ws, table.Put(table.Item{PK: jobPK + "#" + j.ID, SK: fmt.Sprintf("chunk%06d", at/jobChunk), Kind: KindJob, Data: data}, table.NotExists))
		people, at = people[len(chunk):], at+len(chunk)
	}
	after := j
	after.Total, after.cursor = at, next
	if next == "" {
		after.Status = jobActive
		if after.Total == 0 {
			after.Status, after.FinishedAt = jobDone, q.now()
		}
	}
	ws = append(ws, table.Put(table.Item{PK: jobPK, SK: j.ID, Kind: KindJob, Data: encodeJob(after)}, table.VersionIs(j.version)))
	if err := q.T.Transact(ctx, ws); err != nil {
		return j, err
	}
	after.version++
	return after, nil
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
	return decodeJob(it)
}

// ActiveRescores lists the jobs not finished.
func (q *Qualifier) ActiveRescores(ctx context.Context) ([]Job, error) {
	items, err := q.T.Query(ctx, table.Query{PK: jobPK, Consistent: true})
	if err != nil {
		return nil, err
	}
	var out []Job
	for _, it := range items {
		j, err := decodeJob(it)
		if err != nil {
			return nil, err
		}
		if j.unfinished() {
			out = append(out, j)
		}
	}
	return out, nil
}

// AdvanceRescore lists the rest of a job's people (a page at a time, until
// ctx ends) and then rescores up to n more of them, saving progress after
// each person, and returns the job.
func (q *Qualifier) AdvanceRescore(ctx context.Context, id string, n int) (Job, error) {
	j, err := q.RescoreJob(ctx, id)
	for conflicts := 0; err == nil && j.Status == jobListing && ctx.Err() == nil; {
		var listed Job
		if listed, err = q.listPage(ctx, j); errors.Is(err, table.ErrConditionFailed) && conflicts < 5 {
			// Another worker listed the page, or an erasure blanked an
			// id in the last chunk: read the job again and go on.
			conflicts++
			j, err = q.RescoreJob(ctx, id)
			continue
		}
		j = listed
	}
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
		if err := q.T.Put(ctx, table.Item{PK: jobPK, SK: j.ID, Kind: KindJob, Data: encodeJob(j)}, table.VersionIs(j.version)); err != nil {
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
		for j.unfinished() && ctx.Err() == nil {
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
