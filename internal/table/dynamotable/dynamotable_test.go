package dynamotable_test

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/dynamotable"
	"github.com/baton-hq/baton/internal/table/tabletest"
	"github.com/baton-hq/baton/internal/testutil/moto"
)

// TestConformance runs the contract on moto's DynamoDB, whose
// TransactWriteItems is native: the code that runs on DynamoDB is the code
// tested, with no emulation anywhere.
func TestConformance(t *testing.T) {
	tabletest.Run(t, func(t *testing.T, now func() time.Time) table.Table {
		// Small scan pages: ScanPage's cursor (LastEvaluatedKey) is
		// resumed from on a table of a few thousand tiny items too.
		return moto.NewTable(t, dynamotable.WithClock(now), dynamotable.WithScanLimit(100))
	})
}

// TestTransactionsAreNative checks the parts of TransactWriteItems the
// contract cannot see: a caller's failed condition comes back from the
// server's cancellation reasons (nothing applied), and concurrent
// transactions on one item all land, each retried on its version guard.
func TestTransactionsAreNative(t *testing.T) {
	ctx := context.Background()
	tb := moto.NewTable(t, dynamotable.WithClock(clock.Fixed(t0)))
	if err := tb.Put(ctx, table.Item{PK: "P#1", SK: "X"}, table.NotExists); err != nil {
		t.Fatal(err)
	}
	err := tb.Transact(ctx, []table.Write{
		table.Put(table.Item{PK: "P#1", SK: "A", Data: []byte("a")}, table.Always),
		table.Put(table.Item{PK: "P#1", SK: "X"}, table.NotExists),
	})
	if !errors.Is(err, table.ErrConditionFailed) {
		t.Fatalf("transaction with a failing condition: %v", err)
	}
	if _, err := tb.Get(ctx, "P#1", "A"); !errors.Is(err, table.ErrNotFound) {
		t.Fatalf("a cancelled transaction applied a write: %v", err)
	}
	// The raw API answers with cancellation reasons: the path Transact reads.
	_, raw := tb.Client().TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{{
		Put: &types.Put{TableName: aws.String(tb.Name()), Item: map[string]types.AttributeValue{
			"PK": &types.AttributeValueMemberS{Value: "P#1"}, "SK": &types.AttributeValueMemberS{Value: "X"}},
			ConditionExpression: aws.String("attribute_not_exists(PK)")},
	}}})
	var tce *types.TransactionCanceledException
	if !errors.As(raw, &tce) || len(tce.CancellationReasons) != 1 || aws.ToString(tce.CancellationReasons[0].Code) != "ConditionalCheckFailed" {
		t.Fatalf("server did not cancel with reasons: %v", raw)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := tb.Transact(ctx, []table.Write{
				table.Put(table.Item{PK: "P#2", SK: "SCORE", Data: []byte(fmt.Sprint(i))}, table.Always),
				table.AddTo("AGG#t", "d", "agg", map[string]int64{"n": 1}),
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if it, _ := tb.Get(ctx, "P#2", "SCORE"); it.Version != 8 {
		t.Fatalf("version after 8 concurrent transactions = %d", it.Version)
	}
	if it, _ := tb.Get(ctx, "AGG#t", "d"); it.Counters["n"] != 8 {
		t.Fatalf("counter after 8 transactions = %v", it.Counters)
	}
}

var t0 = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)

// TestLayout pins the attribute layout the SAM template and the stream
// consumers rely on.
func TestLayout(t *testing.T) {
	ctx := context.Background()
	tb := moto.NewTable(t)
	exp := time.Unix(1900000000, 500)
	if err := tb.Put(ctx, table.Item{PK: "P#1", SK: "S", Kind: "k", Data: []byte("{}"), Expires: exp, Counters: map[string]int64{"n": 3}}, table.Always); err != nil {
		t.Fatal(err)
	}
	out, err := tb.Client().GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(tb.Name()),
		Key: map[string]types.AttributeValue{
			"PK": &types.AttributeValueMemberS{Value: "P#1"},
			"SK": &types.AttributeValueMemberS{Value: "S"},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for name, v := range out.Item {
		switch v := v.(type) {
		case *types.AttributeValueMemberS:
			got[name] = "S=" + v.Value
		case *types.AttributeValueMemberN:
			got[name] = "N=" + v.Value
		case *types.AttributeValueMemberB:
			got[name] = "B=" + string(v.Value)
		default:
			got[name] = fmt.Sprintf("%T", v)
		}
	}
	want := map[string]string{
		"PK":   "S=P#1",
		"SK":   "S=S",
		"kind": "S=k",
		"doc":  "B={}",
		"ver":  "N=1",
		"exp":  "N=1900000000000000500",
		"ttl":  "N=1900000001",
		"c_n":  "N=3",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("stored attributes\n got %v\nwant %v", got, want)
	}
}

// TestSemantics covers behaviour beyond the shared contract that must still
// match bolttable.
func TestSemantics(t *testing.T) {
	ctx := context.Background()
	tb := moto.NewTable(t, dynamotable.WithClock(clock.Fixed(t0)))
	past, future := t0.Add(-time.Hour), t0.Add(time.Hour)

	t.Run("AddKeepsEmptyKind", func(t *testing.T) {
		if err := tb.Put(ctx, table.Item{PK: "A#1", SK: "C", Data: []byte("d"), Expires: future}, table.Always); err != nil {
			t.Fatal(err)
		}
		got, err := tb.Add(ctx, "A#1", "C", "agg", map[string]int64{"x": 2})
		if err != nil || got["x"] != 2 {
			t.Fatalf("Add = %v, %v", got, err)
		}
		it, err := tb.Get(ctx, "A#1", "C")
		if err != nil {
			t.Fatal(err)
		}
		if it.Kind != "" || string(it.Data) != "d" || it.Version != 2 || !it.Expires.Equal(future) {
			t.Fatalf("after Add on a live item without kind: %+v", it)
		}
	})
	t.Run("AddOverExpired", func(t *testing.T) {
		if err := tb.Put(ctx, table.Item{PK: "A#2", SK: "C", Kind: "old", Data: []byte("d"), Expires: past, Counters: map[string]int64{"x": 5, "y": 1}}, table.Always); err != nil {
			t.Fatal(err)
		}
		got, err := tb.Add(ctx, "A#2", "C", "agg", map[string]int64{"x": 2})
		if err != nil || len(got) != 1 || got["x"] != 2 {
			t.Fatalf("Add over expired = %v, %v", got, err)
		}
		it, err := tb.Get(ctx, "A#2", "C")
		if err != nil {
			t.Fatal(err)
		}
		if it.Kind != "agg" || it.Data != nil || it.Version != 1 || !it.Expires.IsZero() || len(it.Counters) != 1 {
			t.Fatalf("after Add over an expired item: %+v", it)
		}
		got, err = tb.Add(ctx, "A#2", "C", "", map[string]int64{"y": 1})
		if err != nil || got["x"] != 2 || got["y"] != 1 {
			t.Fatalf("second Add = %v, %v", got, err)
		}
	})
	t.Run("VersionsAcrossExpiry", func(t *testing.T) {
		if err := tb.Put(ctx, table.Item{PK: "V#1", SK: "S", Expires: past}, table.Always); err != nil {
			t.Fatal(err)
		}
		if err := tb.Put(ctx, table.Item{PK: "V#1", SK: "S"}, table.Exists); !errors.Is(err, table.ErrConditionFailed) {
			t.Fatalf("Exists over expired: %v", err)
		}
		if err := tb.Put(ctx, table.Item{PK: "V#1", SK: "S"}, table.Always); err != nil {
			t.Fatal(err)
		}
		if it, _ := tb.Get(ctx, "V#1", "S"); it.Version != 1 {
			t.Fatalf("a put over an expired item has version %d, want 1", it.Version)
		}
		if err := tb.Put(ctx, table.Item{PK: "V#1", SK: "S"}, table.Exists); err != nil {
			t.Fatal(err)
		}
		if err := tb.Delete(ctx, "V#1", "S", table.Exists); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("QueryAfterAbsentKeyAndPaging", func(t *testing.T) {
		for i := range 30 {
			if err := tb.Put(ctx, table.Item{PK: "Q", SK: fmt.Sprintf("E#%02d", i), Expires: map[bool]time.Time{true: past}[i%3 == 0]}, table.Always); err != nil {
				t.Fatal(err)
			}
		}
		sks := func(q table.Query) string {
			items, err := tb.Query(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, it := range items {
				out = append(out, it.SK)
			}
			return strings.Join(out, " ")
		}
		if got := sks(table.Query{PK: "Q", Prefix: "E#", After: "E#12x", Limit: 3}); got != "E#13 E#14 E#16" {
			t.Errorf("after absent key = %q", got)
		}
		if got := sks(table.Query{PK: "Q", Prefix: "E#", After: "E#12x", Reverse: true, Limit: 3}); got != "E#11 E#10 E#08" {
			t.Errorf("reverse after absent key = %q", got)
		}
		if got := sks(table.Query{PK: "Q", Prefix: "E#2", Reverse: true}); got != "E#29 E#28 E#26 E#25 E#23 E#22 E#20" {
			t.Errorf("reverse prefix = %q", got)
		}
		if got := sks(table.Query{PK: "Q", Prefix: "E#", After: "F"}); got != "" {
			t.Errorf("after beyond the prefix = %q", got)
		}
		if got := sks(table.Query{PK: "Q", Prefix: "E#", After: "F", Reverse: true, Limit: 2}); got != "E#29 E#28" {
			t.Errorf("reverse after beyond the prefix = %q", got)
		}
	})
	t.Run("TransactLimits", func(t *testing.T) {
		ws := make([]table.Write, dynamotable.MaxTransactItems+1)
		for i := range ws {
			ws[i] = table.Put(table.Item{PK: "T", SK: fmt.Sprint(i)}, table.Always)
		}
		if err := tb.Transact(ctx, ws); err == nil {
			t.Fatal("a transaction over the limit succeeded")
		}
		if err := tb.Transact(ctx, ws[:dynamotable.MaxTransactItems]); err != nil {
			t.Fatal(err)
		}
		items, _ := tb.Query(ctx, table.Query{PK: "T"})
		if len(items) != dynamotable.MaxTransactItems {
			t.Fatalf("%d items after a full transaction", len(items))
		}
	})
	t.Run("ConcurrentAlwaysPuts", func(t *testing.T) {
		var wg sync.WaitGroup
		for range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := tb.Put(ctx, table.Item{PK: "W", SK: "1"}, table.Always); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if it, _ := tb.Get(ctx, "W", "1"); it.Version != 10 {
			t.Fatalf("version after 10 puts = %d", it.Version)
		}
	})
}

// TestThrottlingRetried checks that NewFromEnv keeps the SDK's retryer: a
// proxy in front of moto answers the first PutItem and the first GetItem
// with a throttling error, and both operations still succeed. (Throttles back
// off from a 1s base with jitter, so this takes about a second.)
func TestThrottlingRetried(t *testing.T) {
	endpoint := moto.Shared(t)
	target, err := url.Parse(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	throttle := map[string]string{
		"PutItem": "ThrottlingException",
		"GetItem": "ProvisionedThroughputExceededException",
	}
	var mu sync.Mutex
	requests := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "DynamoDB_20120810.")
		mu.Lock()
		requests[op]++
		first := requests[op] == 1
		mu.Unlock()
		if code, ok := throttle[op]; ok && first {
			awsError(w, r, code, "slow down")
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	defer srv.Close()

	motoOnlyEnv(t)
	t.Setenv("AWS_MAX_ATTEMPTS", "")
	t.Setenv("AWS_RETRY_MODE", "")
	ctx := context.Background()
	tb, err := dynamotable.NewFromEnv(ctx, moto.TableName(), srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := tb.CreateTable(ctx); err != nil {
		t.Fatal(err)
	}
	if err := tb.Put(ctx, table.Item{PK: "P", SK: "S"}, table.NotExists); err != nil {
		t.Fatalf("throttled put: %v", err)
	}
	if _, err := tb.Get(ctx, "P", "S"); err != nil {
		t.Fatalf("throttled get: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	for op := range throttle {
		if requests[op] != 2 {
			t.Errorf("%s: %d requests, want 2 (throttled, then retried)", op, requests[op])
		}
	}
}

// awsError answers as DynamoDB does an error of type typ (its JSON body,
// the CRC the SDK checks), the request's body read.
func awsError(w http.ResponseWriter, r *http.Request, typ, msg string) {
	io.Copy(io.Discard, r.Body)
	body := fmt.Sprintf(`{"__type":"com.amazonaws.dynamodb.v20120810#%s","message":%q}`, typ, msg)
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.Header().Set("X-Amz-Crc32", fmt.Sprint(crc32.ChecksumIEEE([]byte(body))))
	w.WriteHeader(http.StatusBadRequest)
	io.WriteString(w, body)
}

// motoOnlyEnv leaves the SDK only moto's fake credentials and region: no
// profile, no files.
func motoOnlyEnv(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDMOTO")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "moto-secret")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_REGION", moto.Region)
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
}
