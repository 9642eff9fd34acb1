package dynamotable

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	st "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"github.com/baton-hq/baton/internal/table"
)

// The table's stream images carry this package's attribute layout, so this
// package is the one that decodes them: from Lambda's event (the score
// function) and from the DynamoDB Streams API (the local stack on DynamoDB,
// and the tests that read what the stream really holds).

// LambdaChanges decodes the records of a DynamoDB Streams event as Lambda
// delivers it. A record that cannot be decoded is returned with its error in
// bad (by index), so the caller can skip it without blocking the shard.
func LambdaChanges(recs []events.DynamoDBEventRecord) (out []table.Change, bad map[int]error) {
	for i, rec := range recs {
		img := rec.Change.NewImage
		if rec.EventName == table.OpRemove || len(img) == 0 {
			img = rec.Change.OldImage
		}
		if len(img) == 0 {
			img = rec.Change.Keys
		}
		it, err := fromLambdaImage(img)
		if err != nil {
			if bad == nil {
				bad = map[int]error{}
			}
			bad[i] = err
		}
		out = append(out, table.Change{Op: rec.EventName, Item: it, Seq: rec.Change.SequenceNumber})
	}
	return out, bad
}

func fromLambdaImage(img map[string]events.DynamoDBAttributeValue) (it table.Item, err error) {
	defer func() {
		// The events package panics on a type mismatch; a malformed image
		// must become an error for its record only.
		if r := recover(); r != nil {
			err = fmt.Errorf("dynamotable: malformed stream image: %v", r)
		}
	}()
	m := make(map[string]types.AttributeValue, len(img))
	for name, v := range img {
		switch v.DataType() {
		case events.DataTypeString:
			m[name] = &types.AttributeValueMemberS{Value: v.String()}
		case events.DataTypeNumber:
			m[name] = &types.AttributeValueMemberN{Value: v.Number()}
		case events.DataTypeBinary:
			m[name] = &types.AttributeValueMemberB{Value: v.Binary()}
		}
	}
	return decodeImage(m)
}

func decodeImage(m map[string]types.AttributeValue) (table.Item, error) {
	it, err := decode(m)
	if err == nil && (it.PK == "" || it.SK == "") {
		err = errors.New("dynamotable: stream image without PK/SK")
	}
	return it, err
}

func fromStreamImage(img map[string]st.AttributeValue) (table.Item, error) {
	m := make(map[string]types.AttributeValue, len(img))
	for name, v := range img {
		switch v := v.(type) {
		case *st.AttributeValueMemberS:
			m[name] = &types.AttributeValueMemberS{Value: v.Value}
		case *st.AttributeValueMemberN:
			m[name] = &types.AttributeValueMemberN{Value: v.Value}
		case *st.AttributeValueMemberB:
			m[name] = &types.AttributeValueMemberB{Value: v.Value}
		}
	}
	return decodeImage(m)
}

// Stream reads the table's DynamoDB stream with the Streams API
// (DescribeStream, GetShardIterator, GetRecords): the change feed of the
// local stack on DynamoDB. It starts at the oldest record kept
// (TRIM_HORIZON); the handlers it feeds are idempotent, so a restart that
// reads records again changes nothing. Positions live in memory only.
type Stream struct {
	Table   *Table
	Streams *dynamodbstreams.Client
	Kinds   []string // kinds to pass on (the template's filter criteria); empty: all

	mu     sync.Mutex
	arn    string
	shards map[string]*shardPos
	order  []string
}

type shardPos struct {
	iter  *string // nil: (re)start from acked
	acked string  // last acknowledged sequence number
	done  bool    // closed shard read to its end
}

func (s *Stream) kindOK(k string) bool {
	if len(s.Kinds) == 0 {
		return true
	}
	for _, x := range s.Kinds {
		if x == k {
			return true
		}
	}
	return false
}

func (s *Stream) refresh(ctx context.Context) error {
	if s.arn == "" {
		out, err := s.Table.c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &s.Table.name})
		if err != nil {
			return fmt.Errorf("dynamotable: describe table: %w", err)
		}
		if out.Table.LatestStreamArn == nil {
			return fmt.Errorf("dynamotable: table %s has no stream", s.Table.name)
		}
		s.arn = *out.Table.LatestStreamArn
		s.shards = map[string]*shardPos{}
	}
	out, err := s.Streams.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: &s.arn})
	if err != nil {
		return fmt.Errorf("dynamotable: describe stream: %w", err)
	}
	for _, sh := range out.StreamDescription.Shards {
		id := aws.ToString(sh.ShardId)
		if _, ok := s.shards[id]; !ok {
			s.shards[id] = &shardPos{}
			s.order = append(s.order, id)
		}
	}
	return nil
}

// Next returns up to max changes past the acknowledged positions. When it
// fails, the next call reads again from those positions with new shard
// iterators: an iterator expires 15 minutes after it was issued
// (ExpiredIteratorException, after the process was suspended or a handler
// ran that long) and would fail every later call, and the records already
// read from another shard in a failed call are handed out again rather
// than skipped.
func (s *Stream) Next(ctx context.Context, max int) ([]table.Change, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out, err := s.next(ctx, max)
	if err != nil {
		s.rewind()
		return nil, err
	}
	return out, nil
}

func (s *Stream) next(ctx context.Context, max int) ([]table.Change, error) {
	if err := s.refresh(ctx); err != nil {
		return nil, err
	}
	var out []table.Change
	for _, id := range s.order {
		pos := s.shards[id]
		if pos.done || len(out) >= max {
			continue
		}
		if pos.iter == nil {
			in := &dynamodbstreams.GetShardIteratorInput{StreamArn: &s.arn, ShardId: aws.String(id), ShardIteratorType: st.ShardIteratorTypeTrimHorizon}
			if pos.acked != "" {
				in.ShardIteratorType, in.SequenceNumber = st.ShardIteratorTypeAfterSequenceNumber, aws.String(pos.acked)
			}
			it, err := s.Streams.GetShardIterator(ctx, in)
			if err != nil {
				return nil, fmt.Errorf("dynamotable: shard iterator: %w", err)
			}
			pos.iter = it.ShardIterator
		}
		recs, err := s.Streams.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: pos.iter, Limit: aws.Int32(int32(min(max-len(out), 1000)))})
		if err != nil {
			return nil, fmt.Errorf("dynamotable: get records: %w", err)
		}
		pos.iter = recs.NextShardIterator
		if pos.iter == nil {
			pos.done = true
		}
		for _, r := range recs.Records {
			out = append(out, s.change(id, r))
		}
	}
	return out, nil
}

// change is a record of shard as this consumer takes it: a record of a
// kind not for it (or undecodable) is a SKIP, acknowledged with the next
// change handed out.
func (s *Stream) change(shard string, r st.Record) table.Change {
	img := r.Dynamodb.NewImage
	if r.EventName == st.OperationTypeRemove || len(img) == 0 {
		img = r.Dynamodb.OldImage
	}
	seq := shard + "/" + aws.ToString(r.Dynamodb.SequenceNumber)
	it, err := fromStreamImage(img)
	if err != nil || !s.kindOK(it.Kind) {
		return table.Change{Op: "SKIP", Seq: seq}
	}
	return table.Change{Op: string(r.EventName), Item: it, Seq: seq}
}

// Ack records the position of upTo; changes after it that were handed out
// are read again by the next Next.
func (s *Stream) Ack(ctx context.Context, upTo table.Change) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, pos := range s.shards {
		if seq, ok := cutPrefix(upTo.Seq, id+"/"); ok {
			pos.acked = seq
			return nil
		}
	}
	return fmt.Errorf("dynamotable: unknown stream position %q", upTo.Seq)
}

// Rewind forgets the iterators, so the next Next reads again from the
// acknowledged positions (after a handler failed part-way).
func (s *Stream) Rewind() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rewind()
}

func (s *Stream) rewind() {
	for _, pos := range s.shards {
		pos.iter, pos.done = nil, false
	}
}

func cutPrefix(s, p string) (string, bool) {
	if len(s) >= len(p) && s[:len(p)] == p {
		return s[len(p):], true
	}
	return "", false
}

var _ table.Feed = (*Stream)(nil)

// Stream returns a reader of this table's stream, on a Streams client
// configured like the table's own (region, credentials, endpoint).
func (t *Table) Stream(kinds ...string) *Stream {
	o := t.c.Options()
	sc := dynamodbstreams.New(dynamodbstreams.Options{
		Region: o.Region, Credentials: o.Credentials, BaseEndpoint: o.BaseEndpoint,
		HTTPClient: o.HTTPClient, RetryMaxAttempts: o.RetryMaxAttempts, Retryer: o.Retryer,
	})
	return &Stream{Table: t, Streams: sc, Kinds: kinds}
}

// maxEmptyReads is how many empty GetRecords answers in a row Batch reads
// before it gives up (an error to try again).
const maxEmptyReads = 20

// ErrBatchGone is returned by Batch when the stream no longer holds the
// records (DynamoDB Streams keep them 24 hours) or the stream itself is
// gone (the table's stream was turned off or replaced).
var ErrBatchGone = errors.New("dynamotable: the stream no longer holds these records")

// Batch reads again the records start..end (sequence numbers, inclusive)
// of one shard of a stream of this table, those of kinds (none: all):
// what Lambda's on-failure record of an event source mapping names
// (DDBStreamBatchInfo). A record of another kind, or undecodable, is a
// SKIP change, as Next hands them out.
func (s *Stream) Batch(ctx context.Context, streamARN, shard, start, end string) ([]table.Change, error) {
	if !seqNumber(start) || !seqNumber(end) || seqLess(end, start) {
		return nil, fmt.Errorf("dynamotable: bad sequence numbers %q..%q", start, end)
	}
	it, err := s.Streams.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{
		StreamArn: &streamARN, ShardId: &shard, ShardIteratorType: st.ShardIteratorTypeAtSequenceNumber, SequenceNumber: &start,
	})
	if err != nil {
		return nil, streamErr(err)
	}
	var out []table.Change
	iter := it.ShardIterator
	for empty := 0; iter != nil; {
		recs, err := s.Streams.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: iter, Limit: aws.Int32(1000)})
		if err != nil {
			return nil, streamErr(err)
		}
		iter = recs.NextShardIterator
		if len(recs.Records) == 0 {
			// DynamoDB Streams may answer empty before the records it
			// holds ("it might take multiple calls to get to a portion of
			// the shard that contains stream records"), and an open shard
			// answers empty past its newest record, which the batch's
			// last is older than: many empty reads in a row are an error
			// to try again, not records gone (those are trimmed, an
			// exception).
			if empty++; empty == maxEmptyReads {
				return nil, fmt.Errorf("dynamotable: shard %s: %d empty reads in a row before record %s", shard, empty, end)
			}
			continue
		}
		empty = 0
		for _, r := range recs.Records {
			seq := aws.ToString(r.Dynamodb.SequenceNumber)
			if len(out) == 0 && seq != start {
				return nil, ErrBatchGone // the batch's first record is not there
			}
			if seqLess(end, seq) {
				return out, nil
			}
			out = append(out, s.change(shard, r))
			if seq == end {
				return out, nil
			}
		}
	}
	if len(out) == 0 {
		return nil, ErrBatchGone
	}
	return nil, fmt.Errorf("dynamotable: shard %s ended before record %s", shard, end)
}

func streamErr(err error) error {
	var trimmed *st.TrimmedDataAccessException
	var missing *st.ResourceNotFoundException
	if errors.As(err, &trimmed) || errors.As(err, &missing) {
		return fmt.Errorf("%w: %v", ErrBatchGone, err)
	}
	return fmt.Errorf("dynamotable: stream: %w", err)
}

// seqNumber reports whether s is a stream sequence number (decimal digits).
func seqNumber(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// seqLess compares sequence numbers as the integers they are (their
// lengths differ).
func seqLess(a, b string) bool {
	a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}
