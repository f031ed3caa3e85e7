// Command go-client pushes to a Pushgateway with the official Go client (client_golang's push package), for
// test/interop/go-client.test.ts. It is built by that test from Debian's client_golang in GOPATH mode.
//
// Usage: go-client <gateway-url> <push|add|replace|delete>
//
// Every action addresses the same group: job "etl/nightly" (sent as job@base64), instance "worker/7" (base64,
// because of the slash), shard "" (sent as shard@base64/=) and zone "eu west" (url.QueryEscape: "eu+west").
// "push" writes the native histograms it pushed to stdout as delimited protobuf MetricFamily messages, as the
// client gathered them, so the test can compare a protobuf scrape with them bit for bit.
package main

import (
	"fmt"
	"os"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/push"
	"github.com/prometheus/common/expfmt"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: go-client <gateway-url> <push|add|replace|delete>")
		os.Exit(2)
	}
	url, action := os.Args[1], os.Args[2]
	var err error
	switch action {
	case "push":
		err = pushAll(url)
	case "add":
		err = add(url)
	case "replace":
		err = replace(url)
	case "delete":
		err = pusher(url).Delete()
	default:
		err = fmt.Errorf("unknown action %q", action)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-client:", err)
		os.Exit(1)
	}
}

// pusher addresses the one group every action uses.
func pusher(url string) *push.Pusher {
	return push.New(url, "etl/nightly").
		Grouping("instance", "worker/7").
		Grouping("shard", "").
		Grouping("zone", "eu west")
}

// pushAll replaces the group with one family of every type, classic and native histograms included (PUT).
func pushAll(url string) error {
	rows := prometheus.NewCounter(prometheus.CounterOpts{
		Name: "etl_rows_processed_total", Help: "Rows processed by the nightly ETL run.",
	})
	rows.Add(1200)

	queue := prometheus.NewGauge(prometheus.GaugeOpts{Name: "etl_queue_depth", Help: "Batches waiting."})
	queue.Set(17)

	batches := prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "etl_batch_duration_seconds", Help: "Time per batch.", Buckets: []float64{1, 5, 30},
	})
	for _, v := range []float64{0.5, 3, 3, 42} {
		batches.Observe(v)
	}

	records := prometheus.NewSummary(prometheus.SummaryOpts{
		Name: "etl_record_size_bytes", Help: "Size of one record.",
		Objectives: map[float64]float64{0.5: 0.05, 0.9: 0.01},
	})
	for _, v := range []float64{100, 200, 300, 400, 500} {
		records.Observe(v)
	}

	// The native histograms live in a registry of their own, added with Gatherer, so that exactly what the
	// client pushed can be written to stdout afterwards.
	native := prometheus.NewRegistry()
	latency := prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "etl_request_latency_seconds", Help: "Latency of source requests (native only).",
		NativeHistogramBucketFactor: 1.1,
	})
	// Negative, zero and positive observations: negative and positive spans, a zero bucket, a gap of
	// empty buckets between 2 and 300.
	for _, v := range []float64{-3, 0, 0.001, 0.5, 1, 1, 2, 300} {
		latency.Observe(v)
	}
	payload := prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "etl_payload_bytes", Help: "Payload size (classic and native buckets).",
		Buckets: []float64{1024, 65536}, NativeHistogramBucketFactor: 1.1,
	})
	for _, v := range []float64{512, 2048, 2048, 100000} {
		payload.Observe(v)
	}
	native.MustRegister(latency, payload)

	err := pusher(url).Collector(rows).Collector(queue).Collector(batches).Collector(records).Gatherer(native).Push()
	if err != nil {
		return err
	}
	families, err := native.Gather()
	if err != nil {
		return err
	}
	encoder := expfmt.NewEncoder(os.Stdout, expfmt.FmtProtoDelim)
	for _, family := range families {
		if err := encoder.Encode(family); err != nil {
			return err
		}
	}
	return nil
}

// add merges a new gauge and a new value of the counter into the group (POST).
func add(url string) error {
	rows := prometheus.NewCounter(prometheus.CounterOpts{
		Name: "etl_rows_processed_total", Help: "Rows processed by the nightly ETL run.",
	})
	rows.Add(1500)
	success := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "etl_last_success_timestamp_seconds", Help: "When the run last succeeded.",
	})
	success.Set(1.7e9)
	return pusher(url).Collector(rows).Collector(success).Add()
}

// replace puts a single gauge in place of everything in the group (PUT).
func replace(url string) error {
	queue := prometheus.NewGauge(prometheus.GaugeOpts{Name: "etl_queue_depth", Help: "Batches waiting."})
	queue.Set(3)
	return pusher(url).Collector(queue).Push()
}
