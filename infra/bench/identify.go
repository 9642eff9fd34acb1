package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
)

// identifyTimeout is the collector's bound on a request's writes
// (collect.finishFor): a batch not done by then is answered 503.
const identifyTimeout = 30 * time.Second

// settleLimit bounds the wait for the change feed after the request.
const settleLimit = 3 * time.Minute

// identifies posts, to a fresh stack for each size, one /v1/batch of n
// identify calls of n people of one company (one email domain, name,
// company and title each) and prints the request's time and answer, the
// time until the change feed is settled (scoring and the company's
// account), and what was stored: people, and the account's members. A
// figure, not a test: nothing here fails on time.
func identifies(sizes []int, start func(dir string) (*stack.Stack, error), prof, blockprof, mutexprof string) {
	if blockprof != "" {
		runtime.SetBlockProfileRate(int(time.Millisecond / 10)) // blocking of 100 µs and more
	}
	if mutexprof != "" {
		runtime.SetMutexProfileFraction(5)
	}
	stop := startProfile(prof)
	fmt.Printf("one /v1/batch of n identifies (one company domain, distinct emails, name/company/title), embedded store, a fresh stack each, target: answered within %v, nothing lost\n", identifyTimeout)
	fmt.Printf("  %6s %8s %12s %14s %13s %8s %16s %s\n", "n", "status", "request", "feed settled", "feed failures", "people", "account members", "target")
	for _, n := range sizes {
		if err := identifyOnce(n, start); err != nil {
			stop()
			fail(err)
		}
	}
	stop()
	writeProfile("block", blockprof)
	writeProfile("mutex", mutexprof)
}

func identifyOnce(n int, start func(dir string) (*stack.Stack, error)) error {
	dir, err := os.MkdirTemp("", "baton-bench-identify-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	s, err := start(dir)
	if err != nil {
		return err
	}
	defer s.Close()
	ctx := context.Background()
	if err := s.Settle(ctx); err != nil {
		return err
	}
	const domain = "bench.example.jp"
	body, err := identifyBatch(n, domain)
	if err != nil {
		return err
	}
	req, err := http.NewRequest("POST", s.URL+"/v1/batch", strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(writeKey+":")))
	client := &http.Client{Timeout: 2 * identifyTimeout}
	t0 := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(t0)
	// A batch the feed's handler failed comes again (as from a stream):
	// settled is when it is all handled, and the failures are counted.
	// Bounded: a feed that keeps failing is reported, not waited for.
	failures := 0
	sctx, cancel := context.WithTimeout(ctx, settleLimit)
	defer cancel()
	for err := s.Settle(sctx); err != nil && sctx.Err() == nil; err = s.Settle(sctx) {
		failures++
	}
	settled := time.Since(t0)
	settledText := settled.Round(time.Millisecond).String()
	if sctx.Err() != nil {
		settledText = "> " + settleLimit.String()
	}
	people := 0
	if err := identity.ScanPersons(ctx, s.App.Table, func(p identity.Person) error {
		if strings.HasSuffix(p.Email, "@"+domain) {
			people++
		}
		return nil
	}); err != nil {
		return err
	}
	members := 0
	if s.App.Accounts != nil {
		accts, err := s.App.Accounts.List(ctx, "", 10)
		if err != nil {
			return err
		}
		for _, a := range accts {
			members += len(a.Members)
		}
	}
	ok := resp.StatusCode/100 == 2 && took < identifyTimeout && sctx.Err() == nil && people == n && members == min(n, account.MaxMembers)
	fmt.Printf("  %6d %8d %12v %14s %13d %8d %16d %s\n", n, resp.StatusCode, took.Round(time.Millisecond), settledText, failures, people, members, met(ok))
	if resp.StatusCode/100 != 2 {
		fmt.Printf("         answer: %.200s\n", answer)
	}
	return nil
}

// identifyBatch is a backend's batch of identify calls, one a person (a
// browser's anonymousId beside the userId), all of one company: short ids,
// so that 2,500 fit in a batch (Segment's 500 KB, event.MaxRequestBytes).
func identifyBatch(n int, domain string) (string, error) {
	run := strconv.FormatInt(time.Now().UnixNano()%1e9, 36)
	titles := []string{"Engineer", "Marketing Manager", "CTO", "Sales Director", "Analyst"}
	evs := make([]string, n)
	for i := range evs {
		evs[i] = fmt.Sprintf(`{"type":"identify","messageId":"%s-%d","userId":"%s-u%d","anonymousId":"%s-a%d",`+
			`"traits":{"email":"p%d@%s","name":"Person %d","company":"Bench KK","title":%q}}`,
			run, i, run, i, run, i, i, domain, i, titles[i%len(titles)])
	}
	body := `{"batch":[` + strings.Join(evs, ",") + `]}`
	if len(body) > event.MaxRequestBytes {
		return "", fmt.Errorf("a batch of %d identifies is %d bytes, more than a request may be (%d)", n, len(body), event.MaxRequestBytes)
	}
	return body, nil
}

// parseSizes reads -identifies' comma-separated batch sizes.
func parseSizes(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-identifies %q: want sizes like 100,400", s)
		}
		out = append(out, n)
	}
	return out, nil
}

// writeProfile writes the named runtime profile (allocs, block, mutex) to
// path, if given.
func writeProfile(name, path string) {
	if path == "" {
		return
	}
	f, err := os.Create(path)
	if err != nil {
		fail(err)
	}
	defer f.Close()
	if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
		fail(err)
	}
}
