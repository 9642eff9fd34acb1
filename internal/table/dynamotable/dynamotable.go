// Package dynamotable implements table.Table on one DynamoDB table, with the
// same semantics as bolttable (tabletest is the proof).
//
// # Attribute layout
//
// The SAM template, the stream consumers (internal/streams) and anyone
// reading the table with the AWS tools rely on this layout:
//
//	PK    S  partition key (table hash key)
//	SK    S  sort key (table range key)
//	kind  S  Item.Kind; omitted when empty (stream filter criteria match on it)
//	doc   B  Item.Data; omitted when empty
//	ver   N  Item.Version: 1 on create, +1 on every write (Put or Add)
//	exp   N  Item.Expires in unix nanoseconds; omitted when the item never
//	         expires. The exact expiry: readers hide, and conditions treat as
//	         absent, any item with exp <= now.
//	ttl   N  Item.Expires in unix seconds, rounded up; the table's DynamoDB TTL
//	         attribute, so DynamoDB deletes expired items eventually (never
//	         before exp). Present exactly when exp is.
//	c_<name> N  one top-level attribute per counter of Item.Counters.
//
// # Costs and differences from bbolt
//
// A Put under table.Always or table.Exists (alone, in PutMany or in Transact)
// first reads the item's version with a consistent read, then writes under a
// condition on that version, retrying when it changed meanwhile; puts under
// table.NotExists or table.VersionIs and every delete are one request.
// Reads (Get, Query, Scan) are strongly consistent. Add is one UpdateItem in
// the common case (item live, or absent); an expired item is replaced by a
// fresh one with a second, conditional request.
//
// DynamoDB limits apply: a transaction holds at most 100 writes and may not
// name the same key twice; an item is at most 400 KB; PK at most 2048 bytes
// and SK at most 1024 bytes.
package dynamotable

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/baton-hq/baton/internal/clock"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/baton-hq/baton/internal/table"
)

// Attribute names (see the package comment).
const (
	attrPK      = "PK"
	attrSK      = "SK"
	attrKind    = "kind"
	attrDoc     = "doc"
	attrVer     = "ver"
	attrExp     = "exp"
	attrTTL     = "ttl"
	counterPref = "c_"
)

// MaxTransactItems is the most writes one Transact may hold (DynamoDB's limit).
const MaxTransactItems = 100

// putManyConcurrency bounds the PutItem requests PutMany has in flight.
const putManyConcurrency = 8

// maxAttempts bounds the optimistic retries of one write whose version guard
// failed because of concurrent writers (not a failed caller condition).
const maxAttempts = 64

// Table is a DynamoDB-backed table.Table.
type Table struct {
	c         *dynamodb.Client
	name      string
	now       func() time.Time
	scanLimit int32 // items a ScanPage request evaluates (0: DynamoDB's 1 MB page)
}

// Option configures a Table.
type Option func(*Table)

// WithClock sets the clock expiry (the exp attribute) is judged by: tests
// hand theirs down so that no fixture meets the wall clock.
func WithClock(now func() time.Time) Option { return func(t *Table) { t.now = clock.Or(now) } }

// WithScanLimit bounds the items one ScanPage request evaluates
// (DynamoDB's Limit). Tests set it so that a table of a few items still
// pages, and the cursor a job keeps across runs is exercised.
func WithScanLimit(n int32) Option { return func(t *Table) { t.scanLimit = n } }

// New returns a Table on an existing client.
func New(client *dynamodb.Client, tableName string, opts ...Option) *Table {
	t := &Table{c: client, name: tableName, now: clock.Now}
	for _, o := range opts {
		o(t)
	}
	return t
}

// NewFromEnv builds a client from the default AWS configuration (environment,
// shared config, instance role) and returns a Table on it. endpoint, when not
// empty, overrides the DynamoDB endpoint (moto, DynamoDB Local); the
// region then defaults to us-east-1 when none is configured. optFns adjust the
// client after that. The SDK's standard retryer is kept: throttling
// (ThrottlingException, ProvisionedThroughputExceededException) is retried
// with exponential backoff and jitter.
func NewFromEnv(ctx context.Context, tableName, endpoint string, now func() time.Time, optFns ...func(*dynamodb.Options)) (*Table, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("dynamotable: load AWS config: %w", err)
	}
	if endpoint != "" && cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if endpoint != "" {
		// A local endpoint (moto, DynamoDB Local) accepts any signature;
		// without AWS credentials in the environment, sign with dummy ones.
		if cfg.Credentials == nil {
			cfg.Credentials = credentials.NewStaticCredentialsProvider("local", "local", "")
		} else if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
			cfg.Credentials = credentials.NewStaticCredentialsProvider("local", "local", "")
		}
	}
	fns := []func(*dynamodb.Options){func(o *dynamodb.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	}}
	return New(dynamodb.NewFromConfig(cfg, append(fns, optFns...)...), tableName, WithClock(now)), nil
}

// Name returns the DynamoDB table name.
func (t *Table) Name() string { return t.name }

// Client returns the underlying DynamoDB client.
func (t *Table) Client() *dynamodb.Client { return t.c }

// Close does nothing: the client holds no resources that need releasing.
func (t *Table) Close() error { return nil }

// CreateTable creates the table when it does not exist (PK/SK string keys,
// on-demand capacity, a NEW_AND_OLD_IMAGES stream), waits until it is ACTIVE
// and enables TTL on the ttl attribute.
func (t *Table) CreateTable(ctx context.Context) error {
	_, err := t.c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &t.name})
	var notFound *types.ResourceNotFoundException
	switch {
	case err == nil:
	case errors.As(err, &notFound):
		_, err = t.c.CreateTable(ctx, &dynamodb.CreateTableInput{
			TableName: &t.name,
			AttributeDefinitions: []types.AttributeDefinition{
				{AttributeName: aws.String(attrPK), AttributeType: types.ScalarAttributeTypeS},
				{AttributeName: aws.String(attrSK), AttributeType: types.ScalarAttributeTypeS},
			},
			KeySchema: []types.KeySchemaElement{
				{AttributeName: aws.String(attrPK), KeyType: types.KeyTypeHash},
				{AttributeName: aws.String(attrSK), KeyType: types.KeyTypeRange},
			},
			BillingMode: types.BillingModePayPerRequest,
			StreamSpecification: &types.StreamSpecification{
				StreamEnabled:  aws.Bool(true),
				StreamViewType: types.StreamViewTypeNewAndOldImages,
			},
		})
		var inUse *types.ResourceInUseException
		if err != nil && !errors.As(err, &inUse) { // in use: created concurrently
			return fmt.Errorf("dynamotable: create table %s: %w", t.name, err)
		}
	default:
		return fmt.Errorf("dynamotable: describe table %s: %w", t.name, err)
	}
	if err := t.waitActive(ctx); err != nil {
		return err
	}
	return t.enableTTL(ctx)
}

func (t *Table) waitActive(ctx context.Context) error {
	delay := 20 * time.Millisecond
	for {
		out, err := t.c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &t.name})
		var notFound *types.ResourceNotFoundException
		if err != nil && !errors.As(err, &notFound) {
			return fmt.Errorf("dynamotable: describe table %s: %w", t.name, err)
		}
		if err == nil && out.Table != nil && out.Table.TableStatus == types.TableStatusActive {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("dynamotable: waiting for table %s: %w", t.name, ctx.Err())
		case <-time.After(delay):
		}
		delay = min(2*delay, 2*time.Second)
	}
}

func (t *Table) enableTTL(ctx context.Context) error {
	out, err := t.c.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: &t.name})
	if err != nil {
		return fmt.Errorf("dynamotable: describe TTL of %s: %w", t.name, err)
	}
	if d := out.TimeToLiveDescription; d != nil &&
		(d.TimeToLiveStatus == types.TimeToLiveStatusEnabled || d.TimeToLiveStatus == types.TimeToLiveStatusEnabling) {
		return nil
	}
	_, err = t.c.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
		TableName: &t.name,
		TimeToLiveSpecification: &types.TimeToLiveSpecification{
			AttributeName: aws.String(attrTTL),
			Enabled:       aws.Bool(true),
		},
	})
	if err != nil {
		return fmt.Errorf("dynamotable: enable TTL on %s: %w", t.name, err)
	}
	return nil
}

func isConditionFailed(err error) bool {
	var ccf *types.ConditionalCheckFailedException
	return errors.As(err, &ccf)
}

// ---- encoding ----

func checkKey(pk, sk string) error {
	if pk == "" || sk == "" {
		return errors.New("dynamotable: empty key")
	}
	if strings.IndexByte(pk, 0) >= 0 || strings.IndexByte(sk, 0) >= 0 {
		return errors.New("dynamotable: key contains NUL")
	}
	return nil
}

func str(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

func num(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}

func keyOf(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{attrPK: str(pk), attrSK: str(sk)}
}

// expiry returns the exp (unix ns) and ttl (unix s, rounded up) of an expiry
// time; ok is false when the item never expires. Like bolttable, an expiry of
// exactly the epoch means never.
func expiry(x time.Time) (exp, ttl int64, ok bool) {
	if x.IsZero() {
		return 0, 0, false
	}
	exp = x.UnixNano()
	if exp == 0 {
		return 0, 0, false
	}
	ttl = exp / 1e9
	if exp%1e9 > 0 {
		ttl++
	}
	return exp, ttl, true
}

// encode returns the attributes of it stored at version ver.
func encode(it table.Item, ver int64) map[string]types.AttributeValue {
	m := keyOf(it.PK, it.SK)
	m[attrVer] = num(ver)
	if it.Kind != "" {
		m[attrKind] = str(it.Kind)
	}
	if len(it.Data) > 0 {
		m[attrDoc] = &types.AttributeValueMemberB{Value: it.Data}
	}
	if exp, ttl, ok := expiry(it.Expires); ok {
		m[attrExp] = num(exp)
		m[attrTTL] = num(ttl)
	}
	for name, n := range it.Counters {
		m[counterPref+name] = num(n)
	}
	return m
}

func numAttr(m map[string]types.AttributeValue, name string) (int64, bool, error) {
	v, ok := m[name]
	if !ok {
		return 0, false, nil
	}
	n, isN := v.(*types.AttributeValueMemberN)
	if !isN {
		return 0, false, fmt.Errorf("dynamotable: attribute %s is %T, want N", name, v)
	}
	i, err := strconv.ParseInt(n.Value, 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("dynamotable: attribute %s: %w", name, err)
	}
	return i, true, nil
}

func strAttr(m map[string]types.AttributeValue, name string) string {
	if v, ok := m[name].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

// decode turns stored attributes into an Item.
func decode(m map[string]types.AttributeValue) (table.Item, error) {
	it := table.Item{PK: strAttr(m, attrPK), SK: strAttr(m, attrSK), Kind: strAttr(m, attrKind)}
	switch v := m[attrDoc].(type) {
	case *types.AttributeValueMemberB:
		it.Data = v.Value
	case *types.AttributeValueMemberS:
		it.Data = []byte(v.Value)
	}
	var err error
	if it.Version, _, err = numAttr(m, attrVer); err != nil {
		return table.Item{}, err
	}
	exp, ok, err := numAttr(m, attrExp)
	if err != nil {
		return table.Item{}, err
	}
	if ok && exp != 0 {
		it.Expires = time.Unix(0, exp)
	}
	for name := range m {
		c, ok := strings.CutPrefix(name, counterPref)
		if !ok {
			continue
		}
		n, _, err := numAttr(m, name)
		if err != nil {
			return table.Item{}, err
		}
		if it.Counters == nil {
			it.Counters = map[string]int64{}
		}
		it.Counters[c] = n
	}
	return it, nil
}

// ---- conditions ----

// cond is a condition expression with its names and values.
type cond struct {
	expr   string
	names  map[string]string
	values map[string]types.AttributeValue
}

func (c cond) exprPtr() *string {
	if c.expr == "" {
		return nil
	}
	return aws.String(c.expr)
}

func (c cond) namesOrNil() map[string]string {
	if len(c.names) == 0 {
		return nil
	}
	return c.names
}

func (c cond) valuesOrNil() map[string]types.AttributeValue {
	if len(c.values) == 0 {
		return nil
	}
	return c.values
}

const (
	exprLive   = "(attribute_not_exists(#exp) OR #exp > :now)"
	exprAbsent = "(attribute_not_exists(#pk) OR #exp <= :now)"
)

// condAbsent holds when the item is absent or expired at now.
func condAbsent(now int64) cond {
	return cond{
		expr:   exprAbsent,
		names:  map[string]string{"#pk": attrPK, "#exp": attrExp},
		values: map[string]types.AttributeValue{":now": num(now)},
	}
}

// condLive holds when the item exists and has not expired at now.
func condLive(now int64) cond {
	return cond{
		expr:   "attribute_exists(#pk) AND " + exprLive,
		names:  map[string]string{"#pk": attrPK, "#exp": attrExp},
		values: map[string]types.AttributeValue{":now": num(now)},
	}
}

// condVersion holds when the item is live at now with version v.
func condVersion(v, now int64) cond {
	return cond{
		expr:   "#ver = :ver AND " + exprLive,
		names:  map[string]string{"#ver": attrVer, "#exp": attrExp},
		values: map[string]types.AttributeValue{":ver": num(v), ":now": num(now)},
	}
}

// plan is how one write is sent: its guard and, for a put, the new version.
type plan struct {
	guard cond
	ver   int64
	// user is true when a failed guard means the caller's condition failed;
	// false when it only means a concurrent writer changed the version read
	// (the write is then planned again).
	user bool
}

// state is what a consistent read found.
type state struct {
	live bool
	ver  int64
}

// needsRead reports whether planning w needs the item's current version.
func needsRead(w table.Write) bool {
	if w.Delete || w.Check || w.Add != nil {
		return false
	}
	_, isVer := w.Cond.Version()
	return !w.Cond.IsNotExists() && !isVer
}

// planWrite plans w given the current state (used only when needsRead).
func planWrite(w table.Write, cur state, now int64) (plan, error) {
	c := w.Cond
	if w.Delete || w.Check {
		switch v, isVer := c.Version(); {
		case c.IsNotExists():
			return plan{guard: condAbsent(now), user: true}, nil
		case c.IsExists():
			return plan{guard: condLive(now), user: true}, nil
		case isVer:
			return plan{guard: condVersion(v, now), user: true}, nil
		default:
			return plan{}, nil
		}
	}
	switch v, isVer := c.Version(); {
	case c.IsNotExists():
		return plan{guard: condAbsent(now), ver: 1, user: true}, nil
	case isVer:
		return plan{guard: condVersion(v, now), ver: v + 1, user: true}, nil
	case c.IsExists() && !cur.live:
		return plan{}, table.ErrConditionFailed
	case cur.live:
		return plan{guard: condVersion(cur.ver, now), ver: cur.ver + 1}, nil
	default:
		return plan{guard: condAbsent(now), ver: 1}, nil
	}
}

// readState reads the version of one item, consistently.
func (t *Table) readState(ctx context.Context, pk, sk string) (state, error) {
	out, err := t.c.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:                &t.name,
		Key:                      keyOf(pk, sk),
		ConsistentRead:           aws.Bool(true),
		ProjectionExpression:     aws.String("#ver, #exp"),
		ExpressionAttributeNames: map[string]string{"#ver": attrVer, "#exp": attrExp},
	})
	if err != nil {
		return state{}, err
	}
	if out.Item == nil {
		return state{}, nil
	}
	it, err := decode(out.Item)
	if err != nil {
		return state{}, err
	}
	return state{live: it.Live(t.now()), ver: it.Version}, nil
}

// backoff sleeps before optimistic retry attempt n (n >= 1).
func backoff(ctx context.Context, n int) error {
	if n <= 1 {
		return ctx.Err()
	}
	d := time.Duration(rand.Int64N(int64(min(time.Millisecond<<min(n, 10), 200*time.Millisecond)) + 1))
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

var errContention = errors.New("dynamotable: too much write contention, giving up")

// ---- operations ----

// Get reads one live item.
func (t *Table) Get(ctx context.Context, pk, sk string) (table.Item, error) {
	if err := checkKey(pk, sk); err != nil {
		return table.Item{}, err
	}
	out, err := t.c.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      &t.name,
		Key:            keyOf(pk, sk),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return table.Item{}, fmt.Errorf("dynamotable: get: %w", err)
	}
	if out.Item == nil {
		return table.Item{}, table.ErrNotFound
	}
	it, err := decode(out.Item)
	if err != nil {
		return table.Item{}, err
	}
	if !it.Live(t.now()) {
		return table.Item{}, table.ErrNotFound
	}
	return it, nil
}

// Put writes one item under a condition.
func (t *Table) Put(ctx context.Context, it table.Item, c table.Cond) error {
	if err := checkKey(it.PK, it.SK); err != nil {
		return err
	}
	w := table.Put(it, c)
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		if err := backoff(ctx, attempt); err != nil {
			return err
		}
		var cur state
		if needsRead(w) {
			var err error
			if cur, err = t.readState(ctx, it.PK, it.SK); err != nil {
				return fmt.Errorf("dynamotable: put: %w", err)
			}
		}
		p, err := planWrite(w, cur, t.now().UnixNano())
		if err != nil {
			return err
		}
		_, err = t.c.PutItem(ctx, &dynamodb.PutItemInput{
			TableName:                 &t.name,
			Item:                      encode(it, p.ver),
			ConditionExpression:       p.guard.exprPtr(),
			ExpressionAttributeNames:  p.guard.namesOrNil(),
			ExpressionAttributeValues: p.guard.valuesOrNil(),
		})
		switch {
		case err == nil:
			return nil
		case !isConditionFailed(err):
			return fmt.Errorf("dynamotable: put: %w", err)
		case p.user:
			return table.ErrConditionFailed
		}
	}
	return errContention
}

// Delete removes one item under a condition. One request, no read.
func (t *Table) Delete(ctx context.Context, pk, sk string, c table.Cond) error {
	if err := checkKey(pk, sk); err != nil {
		return err
	}
	p, _ := planWrite(table.Del(pk, sk, c), state{}, t.now().UnixNano())
	_, err := t.c.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName:                 &t.name,
		Key:                       keyOf(pk, sk),
		ConditionExpression:       p.guard.exprPtr(),
		ExpressionAttributeNames:  p.guard.namesOrNil(),
		ExpressionAttributeValues: p.guard.valuesOrNil(),
	})
	switch {
	case err == nil:
		return nil
	case isConditionFailed(err):
		return table.ErrConditionFailed
	default:
		return fmt.Errorf("dynamotable: delete: %w", err)
	}
}

// errCheckAlone: a check holds a transaction; alone it means nothing.
var errCheckAlone = errors.New("dynamotable: a check is for Transact only")

// PutMany writes independent items (puts or deletes), each under its own
// condition, with up to 8 requests in flight. It is not atomic.
func (t *Table) PutMany(ctx context.Context, ws []table.Write) []error {
	errs := make([]error, len(ws))
	sem := make(chan struct{}, putManyConcurrency)
	var wg sync.WaitGroup
	for i, w := range ws {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			errs[i] = ctx.Err()
			continue
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if w.Check {
				errs[i] = errCheckAlone
			} else if w.Delete {
				errs[i] = t.Delete(ctx, w.Item.PK, w.Item.SK, w.Cond)
			} else {
				errs[i] = t.Put(ctx, w.Item, w.Cond)
			}
		}()
	}
	wg.Wait()
	return errs
}

// Transact applies all writes or none, with TransactWriteItems.
func (t *Table) Transact(ctx context.Context, ws []table.Write) error {
	if len(ws) == 0 {
		return ctx.Err()
	}
	if len(ws) > MaxTransactItems {
		return fmt.Errorf("dynamotable: transaction of %d writes, at most %d allowed", len(ws), MaxTransactItems)
	}
	seen := make(map[[2]string]bool, len(ws))
	for _, w := range ws {
		if err := checkKey(w.Item.PK, w.Item.SK); err != nil {
			return err
		}
		k := [2]string{w.Item.PK, w.Item.SK}
		if seen[k] {
			return fmt.Errorf("dynamotable: transaction writes %s/%s twice", w.Item.PK, w.Item.SK)
		}
		seen[k] = true
	}
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		if err := backoff(ctx, attempt); err != nil {
			return err
		}
		cur, err := t.readStates(ctx, ws)
		if err != nil {
			return fmt.Errorf("dynamotable: transact: %w", err)
		}
		now := t.now().UnixNano()
		plans := make([]plan, len(ws))
		items := make([]types.TransactWriteItem, len(ws))
		for i, w := range ws {
			if w.Add != nil {
				items[i].Update = addUpdate(t.name, w)
				continue
			}
			if plans[i], err = planWrite(w, cur[i], now); err != nil {
				return err
			}
			g := plans[i].guard
			if w.Check {
				if g.exprPtr() == nil {
					return fmt.Errorf("dynamotable: a check of %s/%s needs a condition", w.Item.PK, w.Item.SK)
				}
				items[i].ConditionCheck = &types.ConditionCheck{
					TableName:                 &t.name,
					Key:                       keyOf(w.Item.PK, w.Item.SK),
					ConditionExpression:       g.exprPtr(),
					ExpressionAttributeNames:  g.namesOrNil(),
					ExpressionAttributeValues: g.valuesOrNil(),
				}
				continue
			}
			if w.Delete {
				items[i].Delete = &types.Delete{
					TableName:                 &t.name,
					Key:                       keyOf(w.Item.PK, w.Item.SK),
					ConditionExpression:       g.exprPtr(),
					ExpressionAttributeNames:  g.namesOrNil(),
					ExpressionAttributeValues: g.valuesOrNil(),
				}
			} else {
				items[i].Put = &types.Put{
					TableName:                 &t.name,
					Item:                      encode(w.Item, plans[i].ver),
					ConditionExpression:       g.exprPtr(),
					ExpressionAttributeNames:  g.namesOrNil(),
					ExpressionAttributeValues: g.valuesOrNil(),
				}
			}
		}
		_, err = t.c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
		if err == nil {
			return nil
		}
		var tce *types.TransactionCanceledException
		if !errors.As(err, &tce) {
			return fmt.Errorf("dynamotable: transact: %w", err)
		}
		retry := false
		for i, r := range tce.CancellationReasons {
			switch aws.ToString(r.Code) {
			case "", "None":
			case "ConditionalCheckFailed":
				if i < len(plans) && plans[i].user {
					return table.ErrConditionFailed
				}
				retry = true // a version read changed meanwhile
			case "TransactionConflict":
				retry = true // another transaction on the same items
			default:
				return fmt.Errorf("dynamotable: transact: %w", err)
			}
		}
		if !retry {
			return fmt.Errorf("dynamotable: transact: %w", err)
		}
	}
	return errContention
}

// readStates reads, concurrently, the state of the writes that need it.
func (t *Table) readStates(ctx context.Context, ws []table.Write) ([]state, error) {
	cur := make([]state, len(ws))
	errs := make([]error, len(ws))
	sem := make(chan struct{}, putManyConcurrency)
	var wg sync.WaitGroup
	for i, w := range ws {
		if !needsRead(w) {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			cur[i], errs[i] = t.readState(ctx, w.Item.PK, w.Item.SK)
		}()
	}
	wg.Wait()
	return cur, errors.Join(errs...)
}

// Add changes counters atomically, creating the item when absent (or
// expired), and returns all of the item's counters.
func (t *Table) Add(ctx context.Context, pk, sk, kind string, deltas map[string]int64) (map[string]int64, error) {
	if err := checkKey(pk, sk); err != nil {
		return nil, err
	}
	names := map[string]string{"#ver": attrVer, "#exp": attrExp, "#pk": attrPK}
	values := map[string]types.AttributeValue{":one": num(1)}
	adds := []string{"#ver :one"}
	i := 0
	for name, d := range deltas {
		n, v := fmt.Sprintf("#c%d", i), fmt.Sprintf(":d%d", i)
		names[n], values[v] = counterPref+name, num(d)
		adds = append(adds, n+" "+v)
		i++
	}
	add := "ADD " + strings.Join(adds, ", ")
	update := func(expr, condition string, withKind bool) (map[string]int64, bool, error) {
		nm, vs := names, values
		if withKind {
			nm = clone(names, map[string]string{"#kind": attrKind})
			vs = clone(values, map[string]types.AttributeValue{":kind": str(kind)})
		}
		vs = clone(vs, map[string]types.AttributeValue{":now": num(t.now().UnixNano())})
		out, err := t.c.UpdateItem(ctx, &dynamodb.UpdateItemInput{
			TableName:                 &t.name,
			Key:                       keyOf(pk, sk),
			UpdateExpression:          aws.String(expr),
			ConditionExpression:       aws.String(condition),
			ExpressionAttributeNames:  nm,
			ExpressionAttributeValues: vs,
			ReturnValues:              types.ReturnValueAllNew,
		})
		if isConditionFailed(err) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, fmt.Errorf("dynamotable: add: %w", err)
		}
		it, err := decode(out.Attributes)
		if err != nil {
			return nil, false, err
		}
		if it.Counters == nil {
			it.Counters = map[string]int64{}
		}
		return it.Counters, true, nil
	}
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		if err := backoff(ctx, attempt); err != nil {
			return nil, err
		}
		// One request when the item is live, or absent (it is then created
		// with kind). With a kind, a live item without one must keep none,
		// so it is left to the next step.
		var got map[string]int64
		var ok bool
		var err error
		if kind == "" {
			got, ok, err = update(add, "attribute_not_exists(#pk) OR "+exprLive, false)
		} else {
			got, ok, err = update(add+" SET #kind = if_not_exists(#kind, :kind)",
				"attribute_not_exists(#pk) OR (attribute_exists(#kind) AND "+exprLive+")", true)
			if err == nil && !ok {
				got, ok, err = update(add, "attribute_exists(#pk) AND "+exprLive, false)
			}
		}
		if err != nil || ok {
			return got, err
		}
		// The item is expired: replace it with a fresh one.
		fresh := make(map[string]int64, len(deltas))
		for name, d := range deltas {
			fresh[name] = d
		}
		g := condAbsent(t.now().UnixNano())
		_, err = t.c.PutItem(ctx, &dynamodb.PutItemInput{
			TableName:                 &t.name,
			Item:                      encode(table.Item{PK: pk, SK: sk, Kind: kind, Counters: fresh}, 1),
			ConditionExpression:       g.exprPtr(),
			ExpressionAttributeNames:  g.names,
			ExpressionAttributeValues: g.values,
		})
		if err == nil {
			return fresh, nil
		}
		if !isConditionFailed(err) {
			return nil, fmt.Errorf("dynamotable: add: %w", err)
		}
		// Recreated meanwhile: add to that one.
	}
	return nil, errContention
}

func clone[V any](m map[string]V, extra map[string]V) map[string]V {
	out := make(map[string]V, len(m)+len(extra))
	for k, v := range m {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

// Query reads live items of one partition in sort-key order.
func (t *Table) Query(ctx context.Context, q table.Query) ([]table.Item, error) {
	if q.PK == "" || strings.IndexByte(q.PK, 0) >= 0 {
		return nil, errors.New("dynamotable: bad partition key")
	}
	names := map[string]string{"#pk": attrPK, "#exp": attrExp}
	values := map[string]types.AttributeValue{":pk": str(q.PK)}
	keyCond := "#pk = :pk"
	if q.Prefix != "" {
		names["#sk"] = attrSK
		values[":prefix"] = str(q.Prefix)
		keyCond += " AND begins_with(#sk, :prefix)"
	}
	var start map[string]types.AttributeValue
	if q.After != "" {
		switch {
		case strings.HasPrefix(q.After, q.Prefix):
			// The exclusive start key need not name an existing item.
			start = keyOf(q.PK, q.After)
		case (q.After < q.Prefix) != q.Reverse:
			// After lies outside the prefix range, on the side the query
			// starts from: it excludes nothing.
		default:
			// ... or on the far side: it excludes everything.
			return nil, nil
		}
	}
	var out []table.Item
	for {
		nowT := t.now()
		values[":now"] = num(nowT.UnixNano())
		in := &dynamodb.QueryInput{
			TableName:                 &t.name,
			KeyConditionExpression:    aws.String(keyCond),
			FilterExpression:          aws.String(exprLive),
			ExpressionAttributeNames:  names,
			ExpressionAttributeValues: values,
			ExclusiveStartKey:         start,
			ScanIndexForward:          aws.Bool(!q.Reverse),
			ConsistentRead:            aws.Bool(true),
		}
		if q.Limit > 0 {
			in.Limit = aws.Int32(int32(min(q.Limit-len(out), 1000)))
		}
		page, err := t.c.Query(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("dynamotable: query: %w", err)
		}
		for _, m := range page.Items {
			it, err := decode(m)
			if err != nil {
				return nil, err
			}
			if !it.Live(nowT) {
				continue
			}
			out = append(out, it)
			if q.Limit > 0 && len(out) >= q.Limit {
				return out, nil
			}
		}
		if len(page.LastEvaluatedKey) == 0 {
			return out, nil
		}
		start = page.LastEvaluatedKey
	}
}

// Scan visits every live item whose partition key starts with pkPrefix, page
// by page (the callback runs between requests, so it may write).
func (t *Table) Scan(ctx context.Context, pkPrefix string, fn func(table.Item) error) error {
	var start map[string]types.AttributeValue
	for {
		items, next, err := t.scanPage(ctx, pkPrefix, start)
		if err != nil {
			return err
		}
		for _, it := range items {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := fn(it); err != nil {
				return err
			}
		}
		if len(next) == 0 {
			return nil
		}
		start = next
	}
}

// ScanPage is one Scan request from the cursor (its ExclusiveStartKey).
func (t *Table) ScanPage(ctx context.Context, pkPrefix, cursor string) ([]table.Item, string, error) {
	var start map[string]types.AttributeValue
	if cursor != "" {
		pk, sk, err := table.ParseCursor(cursor)
		if err != nil {
			return nil, "", err
		}
		start = keyOf(pk, sk)
	}
	items, next, err := t.scanPage(ctx, pkPrefix, start)
	if err != nil || len(next) == 0 {
		return items, "", err
	}
	return items, table.PageCursor(strAttr(next, attrPK), strAttr(next, attrSK)), nil
}

// scanPage is one Scan request: the live items of the prefix and the
// LastEvaluatedKey.
func (t *Table) scanPage(ctx context.Context, pkPrefix string, start map[string]types.AttributeValue) ([]table.Item, map[string]types.AttributeValue, error) {
	names := map[string]string{"#exp": attrExp}
	values := map[string]types.AttributeValue{}
	filter := exprLive
	if pkPrefix != "" {
		names["#pk"] = attrPK
		values[":prefix"] = str(pkPrefix)
		filter = "begins_with(#pk, :prefix) AND " + exprLive
	}
	nowT := t.now()
	values[":now"] = num(nowT.UnixNano())
	in := &dynamodb.ScanInput{
		TableName:                 &t.name,
		FilterExpression:          aws.String(filter),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
		ExclusiveStartKey:         start,
		ConsistentRead:            aws.Bool(true),
	}
	if t.scanLimit > 0 {
		in.Limit = aws.Int32(t.scanLimit)
	}
	page, err := t.c.Scan(ctx, in)
	if err != nil {
		return nil, nil, fmt.Errorf("dynamotable: scan: %w", err)
	}
	var out []table.Item
	for _, m := range page.Items {
		it, err := decode(m)
		if err != nil {
			return nil, nil, err
		}
		if it.Live(nowT) && strings.HasPrefix(it.PK, pkPrefix) {
			out = append(out, it)
		}
	}
	return out, page.LastEvaluatedKey, nil
}

// ---- transactions on servers without TransactWriteItems ----

// addUpdate is the transaction item for counter additions: ADD on each
// counter and on the version, the kind set when the item is created.
func addUpdate(tableName string, w table.Write) *types.Update {
	names := map[string]string{"#ver": attrVer, "#kind": attrKind}
	values := map[string]types.AttributeValue{":one": num(1), ":kind": str(w.Item.Kind)}
	adds := []string{"#ver :one"}
	keys := make([]string, 0, len(w.Add))
	for k := range w.Add {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		n, v := fmt.Sprintf("#c%d", i), fmt.Sprintf(":c%d", i)
		names[n] = counterPref + k
		values[v] = num(w.Add[k])
		adds = append(adds, n+" "+v)
	}
	return &types.Update{
		TableName:                 aws.String(tableName),
		Key:                       keyOf(w.Item.PK, w.Item.SK),
		UpdateExpression:          aws.String("ADD " + strings.Join(adds, ", ") + " SET #kind = if_not_exists(#kind, :kind)"),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
	}
}
