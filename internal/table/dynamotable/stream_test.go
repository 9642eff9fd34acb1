package dynamotable_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/dynamotable"
	"github.com/baton-hq/baton/internal/testutil/moto"
)

// TestStreamRecoversFromAnExpiredIterator: the local stack on DynamoDB
// (BATON_DYNAMODB_ENDPOINT) reads the table's stream with Stream. A shard
// iterator expires 15 minutes after it was issued (DynamoDB Streams
// answers ExpiredIteratorException): a process suspended for that long (a
// laptop's sleep), or a handler that took that long, leaves Stream holding
// one. Next kept using it, failing on every poll: nothing was scored or
// relayed again until a restart. Next must get a new iterator from the
// position acknowledged. (The same reset keeps the records a failed Next
// had already read from another shard: they used to be skipped.)
func TestStreamRecoversFromAnExpiredIterator(t *testing.T) {
	endpoint := moto.Shared(t)
	target, err := url.Parse(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	var mu sync.Mutex
	expired := false // every iterator issued so far has expired
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op := r.Header.Get("X-Amz-Target")
		mu.Lock()
		if strings.HasSuffix(op, ".GetShardIterator") {
			expired = false // a new one
		}
		fail := expired && strings.HasSuffix(op, ".GetRecords")
		mu.Unlock()
		if fail {
			awsError(w, r, "ExpiredIteratorException", "Iterator expired. The iterator was created at time X while right now it is Y which is further in the future than the tolerated delay of 900000 milliseconds.")
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	defer srv.Close()

	motoOnlyEnv(t)
	ctx := context.Background()
	tb, err := dynamotable.NewFromEnv(ctx, moto.TableName(), srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := tb.CreateTable(ctx); err != nil {
		t.Fatal(err)
	}
	s := tb.Stream()
	if err := tb.Put(ctx, table.Item{PK: "P#a", SK: "S", Kind: "k"}, table.NotExists); err != nil {
		t.Fatal(err)
	}
	cs, err := s.Next(ctx, 10)
	if err != nil || len(cs) != 1 || cs[0].Item.PK != "P#a" {
		t.Fatalf("first read: %+v, %v", cs, err)
	}
	if err := s.Ack(ctx, cs[0]); err != nil {
		t.Fatal(err)
	}

	mu.Lock()
	expired = true // 15 minutes pass
	mu.Unlock()
	if err := tb.Put(ctx, table.Item{PK: "P#b", SK: "S", Kind: "k"}, table.NotExists); err != nil {
		t.Fatal(err)
	}
	var got []table.Change
	for i := 0; i < 3 && len(got) == 0; i++ {
		if got, err = s.Next(ctx, 10); err != nil {
			t.Logf("read %d: %v", i+1, err)
		}
	}
	if len(got) != 1 || got[0].Item.PK != "P#b" {
		t.Fatalf("after the iterator expired: %+v, %v (the stream is stuck)", got, err)
	}
}

// TestStreamBatch: the admin function replays a score failure by reading
// the records Lambda's failure record names again (Stream.Batch): those
// start..end of the shard, inclusive, the kinds not asked for as SKIPs;
// records the stream no longer holds (DynamoDB Streams trim them after 24
// hours: TrimmedDataAccessException, which moto never answers) are
// ErrBatchGone, so the replay can say so rather than fail as an outage.
func TestStreamBatch(t *testing.T) {
	endpoint := moto.Shared(t)
	target, err := url.Parse(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	var trimmed atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if trimmed.Load() && strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".GetShardIterator") {
			awsError(w, r, "TrimmedDataAccessException", "The operation attempted to read past the oldest stream record in a shard.")
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	defer srv.Close()

	motoOnlyEnv(t)
	ctx := context.Background()
	tb, err := dynamotable.NewFromEnv(ctx, moto.TableName(), srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := tb.CreateTable(ctx); err != nil {
		t.Fatal(err)
	}
	for _, it := range []table.Item{{PK: "P#a", SK: "S", Kind: "event"}, {PK: "P#b", SK: "S", Kind: "other"}, {PK: "P#c", SK: "S", Kind: "event"}, {PK: "P#d", SK: "S", Kind: "event"}} {
		if err := tb.Put(ctx, it, table.NotExists); err != nil {
			t.Fatal(err)
		}
	}
	all, err := tb.Stream().Next(ctx, 10)
	if err != nil || len(all) != 4 {
		t.Fatalf("the stream: %+v %v", all, err)
	}
	desc, err := moto.DynamoDB(srv.URL).DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(tb.Name())})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(desc.Table.LatestStreamArn)
	shard, first, _ := strings.Cut(all[0].Seq, "/")
	_, third, _ := strings.Cut(all[2].Seq, "/")
	got, err := tb.Stream("event").Batch(ctx, arn, shard, first, third)
	if err != nil {
		t.Fatal(err)
	}
	var saw []string
	for _, c := range got {
		saw = append(saw, c.Op+" "+c.Item.PK)
	}
	if want := []string{"INSERT P#a", "SKIP ", "INSERT P#c"}; strings.Join(saw, ",") != strings.Join(want, ",") {
		t.Fatalf("batch %q, want %q", saw, want)
	}
	if _, err := tb.Stream().Batch(ctx, arn, shard, third, first); err == nil {
		t.Fatal("a batch ending before it starts was read")
	}
	trimmed.Store(true)
	if _, err := tb.Stream("event").Batch(ctx, arn, shard, first, third); !errors.Is(err, dynamotable.ErrBatchGone) {
		t.Fatalf("trimmed records: %v, want ErrBatchGone", err)
	}
}

// TestStreamBatchAsDynamoDBAnswers: DynamoDB Streams may answer GetRecords
// with no records and a next iterator before the records it holds ("it
// might take multiple calls to get to a portion of the shard that contains
// stream records"), which moto never does. Batch took five such answers
// for records the stream no longer holds (ErrBatchGone: the replay said
// 409, rescore instead, and the failure could never be replayed); they
// prove nothing of the kind, and many are an error to try again. A first
// record past the batch's end (the batch's own not there) was an empty
// batch read without error: the replay then scored nothing and deleted
// the failure record.
func TestStreamBatchAsDynamoDBAnswers(t *testing.T) {
	endpoint := moto.Shared(t)
	target, err := url.Parse(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	var empties, dropFirst atomic.Int32 // empty pages still to answer; records to drop from the next page
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(resp *http.Response) error {
		if dropFirst.Load() == 0 || !strings.HasSuffix(resp.Request.Header.Get("X-Amz-Target"), ".GetRecords") || resp.StatusCode != 200 {
			return nil
		}
		dropFirst.Store(0)
		var page map[string]any
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(b, &page); err != nil {
			return err
		}
		if recs, _ := page["Records"].([]any); len(recs) > 0 {
			page["Records"] = recs[1:]
		}
		b, _ = json.Marshal(page)
		resp.Body = io.NopCloser(bytes.NewReader(b))
		resp.ContentLength = int64(len(b))
		resp.Header.Set("Content-Length", strconv.Itoa(len(b)))
		resp.Header.Set("X-Amz-Crc32", fmt.Sprint(crc32.ChecksumIEEE(b)))
		return nil
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".GetRecords") && empties.Add(-1) >= 0 {
			var in struct{ ShardIterator string }
			if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
				t.Error(err)
			}
			body, _ := json.Marshal(map[string]any{"Records": []any{}, "NextShardIterator": in.ShardIterator})
			w.Header().Set("Content-Type", "application/x-amz-json-1.0")
			w.Header().Set("X-Amz-Crc32", fmt.Sprint(crc32.ChecksumIEEE(body)))
			w.Write(body)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	defer srv.Close()

	motoOnlyEnv(t)
	ctx := context.Background()
	tb, err := dynamotable.NewFromEnv(ctx, moto.TableName(), srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := tb.CreateTable(ctx); err != nil {
		t.Fatal(err)
	}
	for _, pk := range []string{"P#a", "P#b", "P#c"} {
		if err := tb.Put(ctx, table.Item{PK: pk, SK: "S", Kind: "event"}, table.NotExists); err != nil {
			t.Fatal(err)
		}
	}
	all, err := tb.Stream().Next(ctx, 10)
	if err != nil || len(all) != 3 {
		t.Fatalf("the stream: %+v %v", all, err)
	}
	desc, err := moto.DynamoDB(srv.URL).DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(tb.Name())})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(desc.Table.LatestStreamArn)
	shard, first, _ := strings.Cut(all[0].Seq, "/")
	_, second, _ := strings.Cut(all[1].Seq, "/")
	s := tb.Stream("event")

	// Empty pages before the records: the batch all the same.
	empties.Store(5)
	got, err := s.Batch(ctx, arn, shard, first, second)
	if err != nil || len(got) != 2 || got[0].Item.PK != "P#a" || got[1].Item.PK != "P#b" {
		t.Fatalf("after empty pages: %+v, %v; want P#a and P#b", got, err)
	}
	// Nothing but empty pages: an error, not records gone.
	empties.Store(1000)
	if got, err := s.Batch(ctx, arn, shard, first, second); err == nil || errors.Is(err, dynamotable.ErrBatchGone) {
		t.Fatalf("only empty pages: %+v, %v; want an error to try again", got, err)
	}
	empties.Store(0)
	// The first record read is past the batch: it is not there.
	dropFirst.Store(1)
	if got, err := s.Batch(ctx, arn, shard, first, first); !errors.Is(err, dynamotable.ErrBatchGone) {
		t.Fatalf("a batch whose record is not there: %+v, %v; want ErrBatchGone", got, err)
	}
}
