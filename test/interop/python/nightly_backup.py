#!/usr/bin/env python3
"""Nightly database backup of database-01, reported to a Pushgateway with Debian's prometheus_client.

Written the way such a cron job is written in practice; used by test/interop/python-client.test.ts.

Usage: nightly_backup.py PUSHGATEWAY ACTION
  PUSHGATEWAY  host:port of the gateway (no scheme, as in the client's documentation)
  ACTION       backup  dump the database and push the run's metrics (push_to_gateway: replaces the group)
               verify  restore-test the newest dump and add the result (pushadd_to_gateway: merges)
               retire  the database was decommissioned: remove its group (delete_from_gateway)

Prints a one-line JSON summary of what it reported, so the test can compare the gateway's scrape with it.
"""
import gzip
import json
import os
import sys
import tempfile

from prometheus_client import CollectorRegistry, Counter, Gauge, delete_from_gateway, push_to_gateway, pushadd_to_gateway

JOB = "nightly_database_backup"
GROUPING_KEY = {"instance": "database-01"}

# What a dump of database-01 holds tonight: rows per table.
TABLES = {"customers": 1200, "orders": 5400, "invoices": 3100}


def dump_database(path):
    """Writes a compressed SQL dump of every table to path; returns rows written per table."""
    with gzip.GzipFile(path, "wb", mtime=0) as dump:
        for table, rows in TABLES.items():
            dump.write(f"-- table {table}\n".encode())
            for row in range(rows):
                dump.write(f"INSERT INTO {table} VALUES ({row}, 'row {row} of {table}');\n".encode())
    return dict(TABLES)


def backup(gateway):
    registry = CollectorRegistry()
    duration = Gauge("backup_duration_seconds", "Duration of the last database backup.", registry=registry)
    last_success = Gauge(
        "backup_last_success_timestamp_seconds", "Last time the database backup succeeded.", registry=registry
    )
    written = Counter("backup_written_bytes", "Bytes of compressed dump written.", registry=registry)
    rows = Gauge("backup_rows", "Rows in the last dump, by table.", ["table"], registry=registry)

    with tempfile.TemporaryDirectory(prefix="nightly-backup-") as workdir:
        path = os.path.join(workdir, "database-01.sql.gz")
        with duration.time():
            dumped = dump_database(path)
        size = os.path.getsize(path)
    written.inc(size)
    for table, count in dumped.items():
        rows.labels(table=table).set(count)
    last_success.set_to_current_time()

    push_to_gateway(gateway, job=JOB, registry=registry, grouping_key=GROUPING_KEY)
    return {
        "bytes": size,
        "duration": registry.get_sample_value("backup_duration_seconds"),
        "last_success": registry.get_sample_value("backup_last_success_timestamp_seconds"),
        **{f"rows_{table}": count for table, count in dumped.items()},
    }


def verify(gateway):
    registry = CollectorRegistry()
    verified = Gauge(
        "backup_last_verified_timestamp_seconds", "Last time a restore test of the backup succeeded.", registry=registry
    )
    ok = Gauge("backup_verify_ok", "1 if the last restore test succeeded.", registry=registry)
    ok.set(1)
    verified.set_to_current_time()
    pushadd_to_gateway(gateway, job=JOB, registry=registry, grouping_key=GROUPING_KEY)
    return {"verified": registry.get_sample_value("backup_last_verified_timestamp_seconds")}


def retire(gateway):
    delete_from_gateway(gateway, job=JOB, grouping_key=GROUPING_KEY)
    return {}


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in ("backup", "verify", "retire"):
        print(__doc__, file=sys.stderr)
        return 2
    gateway, action = sys.argv[1], sys.argv[2]
    summary = {"backup": backup, "verify": verify, "retire": retire}[action](gateway)
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
