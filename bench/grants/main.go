//go:build !js && !wasip1

// Command grants measures the grant server's throughput and latency on
// each ledger: SQLite and PostgreSQL, with one and with three instances.
// Each instance is a grant.Server behind its own loopback HTTP listener,
// with its own store connection(s) to the one database and its own mTLS
// client to one Toss simulator (tossapitest). A fixed number of paid
// orders is granted, each by one POST /api/grant, from a fixed number of
// concurrent clients spread over the instances; the table gives grants a
// second and the p50/p99 latency of a request.
//
// The Toss client's rate limit (2,400 requests a minute per instance, to
// stay under Toss's 3,000 per mini-app) is lifted here: with it every
// configuration would measure the limiter, 40 grants a second.
//
// Usage (bench/run.sh runs it):
//
//	go run ./bench/grants [-requests 1000] [-concurrency 16] [-json FILE]
//
// PostgreSQL: a fresh database is made through GOIAP_TEST_DATABASE_URL (as
// for the tests) and dropped afterwards; without a server the PostgreSQL
// rows say why they were skipped.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/goiap/goiap/grant"
	"github.com/goiap/goiap/grant/pgstore"
	"github.com/goiap/goiap/grant/pgstore/pgtest"
	"github.com/goiap/goiap/grant/sqlitestore"
	"github.com/goiap/goiap/tossapi"
	"github.com/goiap/goiap/tossapi/tossapitest"
)

// result is one row of the table.
type result struct {
	Store       string  `json:"store"`
	Instances   int     `json:"instances"`
	Requests    int     `json:"requests"`
	Concurrency int     `json:"concurrency"`
	PerSecond   float64 `json:"grantsPerSecond"`
	P50ms       float64 `json:"p50ms"`
	P99ms       float64 `json:"p99ms"`
	Skipped     string  `json:"skipped,omitempty"`
}

func main() {
	requests := flag.Int("requests", 1000, "paid orders granted per configuration")
	concurrency := flag.Int("concurrency", 16, "requests in flight at once")
	jsonOut := flag.String("json", "", "also write the results to this file")
	flag.Parse()
	if err := run(*requests, *concurrency, *jsonOut); err != nil {
		fmt.Fprintf(os.Stderr, "bench/grants: %v\n", err)
		os.Exit(1)
	}
}

func run(requests, concurrency int, jsonOut string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	var results []result
	for _, store := range []string{"sqlite", "postgres"} {
		for _, n := range []int{1, 3} {
			r := result{Store: store, Instances: n, Requests: requests, Concurrency: concurrency}
			err := measure(ctx, &r)
			var skip skipped
			switch {
			case errors.As(err, &skip):
				r.Skipped = skip.reason
			case err != nil:
				return fmt.Errorf("%s ×%d: %w", store, n, err)
			}
			fmt.Fprintf(os.Stderr, "%s ×%d: %+v\n", store, n, r)
			results = append(results, r)
		}
	}
	printTable(os.Stdout, results)
	if jsonOut != "" {
		b, _ := json.MarshalIndent(results, "", "  ")
		return os.WriteFile(jsonOut, append(b, '\n'), 0o644)
	}
	return nil
}

type skipped struct{ reason string }

func (s skipped) Error() string { return s.reason }

// measure grants r.Requests orders through r.Instances instances.
func measure(ctx context.Context, r *result) error {
	dir, err := os.MkdirTemp("", "goiap-bench-grants-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	sim := tossapitest.NewServer()
	defer sim.Close()
	tossCfg, err := sim.WriteConfig(dir)
	if err != nil {
		return err
	}
	tossCfg.RequestsPerMinute = 1 << 30

	open, cleanup, err := opener(ctx, r.Store, dir)
	if err != nil {
		return err
	}
	defer cleanup()

	var urls []string
	for range r.Instances {
		store, err := open()
		if err != nil {
			return err
		}
		defer store.Close()
		toss, err := tossapi.New(tossCfg)
		if err != nil {
			return err
		}
		srv, err := grant.New(grant.Config{
			Store: store, Toss: toss, PlainHTTP: true,
			Credits: func(string) int64 { return 100 },
			Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
		})
		if err != nil {
			return err
		}
		hs := httptest.NewServer(srv.Handler())
		defer hs.Close()
		urls = append(urls, hs.URL)
	}

	client := &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: r.Concurrency * 2},
	}
	const users = 10
	cookies := make([]string, users)
	keys := make([]tossapi.UserKey, users)
	for i := range users {
		keys[i] = sim.AddUser()
		if cookies[i], err = login(ctx, client, urls[i%len(urls)], sim.NewLoginCode(keys[i])); err != nil {
			return err
		}
	}
	type order struct {
		id   string
		user int
	}
	warmup := 4 * r.Concurrency
	orders := make([]order, warmup+r.Requests)
	for i := range orders {
		u := i % users
		orders[i] = order{sim.AddOrder(keys[u], "item_coin_100", tossapi.StatusPaymentCompleted), u}
	}

	drive := func(batch []order) ([]time.Duration, time.Duration, error) {
		lat := make([]time.Duration, len(batch))
		next := make(chan int)
		errs := make(chan error, r.Concurrency)
		var wg sync.WaitGroup
		start := time.Now()
		for w := range r.Concurrency {
			wg.Go(func() {
				for i := range next {
					o := batch[i]
					t0 := time.Now()
					if err := postGrant(ctx, client, urls[(i+w)%len(urls)], cookies[o.user], o.id); err != nil {
						errs <- err
						return
					}
					lat[i] = time.Since(t0)
				}
			})
		}
	feed:
		for i := range batch {
			select {
			case next <- i:
			case err := <-errs:
				close(next)
				wg.Wait()
				return nil, 0, err
			}
			if ctx.Err() != nil {
				break feed
			}
		}
		close(next)
		wg.Wait()
		select {
		case err := <-errs:
			return nil, 0, err
		default:
		}
		return lat, time.Since(start), ctx.Err()
	}
	if _, _, err := drive(orders[:warmup]); err != nil {
		return fmt.Errorf("warm-up: %w", err)
	}
	lat, wall, err := drive(orders[warmup:])
	if err != nil {
		return err
	}

	// Every order granted once: the wallets hold one credit per order.
	check, err := open()
	if err != nil {
		return err
	}
	defer check.Close()
	var total int64
	for _, k := range keys {
		a, err := check.Account(ctx, k)
		if err != nil {
			return err
		}
		total += a.Balance
	}
	if want := int64(len(orders)) * 100; total != want {
		return fmt.Errorf("wallets hold %d, want %d", total, want)
	}

	slices.Sort(lat)
	r.PerSecond = float64(len(lat)) / wall.Seconds()
	r.P50ms = ms(lat[len(lat)/2])
	r.P99ms = ms(lat[min(len(lat)-1, len(lat)*99/100)])
	return nil
}

// opener returns how to open one more store on the configuration's single
// database, and how to remove that database.
func opener(ctx context.Context, kind, dir string) (func() (grant.Store, error), func(), error) {
	switch kind {
	case "sqlite":
		path := filepath.Join(dir, "grants.db")
		return func() (grant.Store, error) { return sqlitestore.Open(ctx, path) }, func() {}, nil
	case "postgres":
		admin := os.Getenv(pgtest.EnvURL)
		if admin == "" {
			admin = pgtest.DefaultURL
		}
		dbURL, drop, err := pgtest.Create(ctx, admin)
		if err != nil {
			return nil, nil, skipped{fmt.Sprintf("no PostgreSQL (%v); set %s", err, pgtest.EnvURL)}
		}
		return func() (grant.Store, error) { return pgstore.Open(ctx, pgstore.Config{URL: dbURL}) },
			func() { _ = drop(context.Background()) }, nil
	}
	return nil, nil, fmt.Errorf("unknown store %q", kind)
}

func login(ctx context.Context, client *http.Client, base, code string) (string, error) {
	body := fmt.Sprintf(`{"authorizationCode":%q,"referrer":"SANDBOX"}`, code)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/login", strings.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || len(resp.Cookies()) == 0 {
		return "", fmt.Errorf("login: %d %s", resp.StatusCode, b)
	}
	c := resp.Cookies()[0]
	return c.Name + "=" + c.Value, nil
}

func postGrant(ctx context.Context, client *http.Client, base, cookie, orderID string) error {
	body := fmt.Sprintf(`{"orderId":%q,"sku":"item_coin_100"}`, orderID)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/grant", strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Cookie", cookie)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), `"granted":true`) {
		return fmt.Errorf("grant %s: %d %s", orderID, resp.StatusCode, b)
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func printTable(w io.Writer, rs []result) {
	fmt.Fprintln(w, "| ledger | instances | grants | in flight | grants/s | p50 | p99 |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
	for _, r := range rs {
		if r.Skipped != "" {
			fmt.Fprintf(w, "| %s | %d | | | skipped: %s | | |\n", r.Store, r.Instances, r.Skipped)
			continue
		}
		fmt.Fprintf(w, "| %s | %d | %d | %d | %.0f | %.1f ms | %.1f ms |\n",
			r.Store, r.Instances, r.Requests, r.Concurrency, r.PerSecond, r.P50ms, r.P99ms)
	}
}
