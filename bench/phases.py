"""The phases of a benchmark run: reads beside the floor and the peer, writes, profiles."""

from __future__ import annotations

import argparse
from typing import Any

from bench import peer, plan, procstat, profile
from bench import scenarios as s
from bench.measure import Measurer, count_rows, sync
from bench.server import Server, free_port, post_json
from bench.tokens import Tokens


class Phases(Measurer):
    args: argparse.Namespace
    gql: str  # our server's GraphQL endpoint
    server: Server
    sampler: procstat.RssSampler
    tokens: Tokens
    plan: plan.Plan
    meta: dict[str, Any]

    def warm_up(self, reads: list[str]) -> None:
        """Each read scenario's requests, checked, before any measuring: every one once per
        worker, as a running service has answered them (per-process caches: documents,
        generated functions, the tree pages). Each post is a new connection, and the server
        hands connections to its workers in turn, so ``workers`` posts in a row reach each."""
        for name in reads:
            for token, body in self.plan.reads[name]:
                answers = [post_json(self.gql, body, token) for _ in range(self.args.workers)]
                bad = [
                    a
                    for a in answers
                    if a.get("errors") or not (a.get("data") or {}).get("organization")
                ]
                if bad:
                    self.results.checks.append((f"warm-up {name}", False, str(bad[0])[:400]))
                    break

    def read_round(self, reads: list[str]) -> None:
        args, p = self.args, self.plan
        for name in reads:
            for c in args.clients:
                spec = self.spec(name, self.gql, p.reads[name], c, args.duration, s.READ_MARKER)
                self.measure("ours", name, c, self.read_load(spec), self.server, self.sampler)
        if not args.no_floor:
            floors = {
                "M1": ("m1", p.county_ids),
                "M3 root": ("m3", [p.root_id]),
                "M3 province": ("m3", p.province_ids),
                "M3 county": ("m3", p.county_ids),
            }
            for name, (kind, ids) in floors.items():
                for c in args.clients if name in reads else []:
                    run = self.floor(kind, ids, c, args.duration, p.campaign.id)
                    self.measure("floor", name, c, run)
        if not args.no_peer and "M1" in reads:
            self.meta["peer"] = peer.install()
            for workers in args.peer_workers:
                self.run_peer(workers)

    def run_peer(self, workers: int) -> None:
        port = free_port()
        url = f"http://127.0.0.1:{port}/graphql"
        srv = peer.server(self.url, port, workers, self.out / f"postgraphile-{workers}.log")
        srv.start(url, workers)
        sampler = procstat.RssSampler(srv.workers)
        sampler.start()
        try:
            peer.check_schema(url)
            entries: list[plan.Entry] = [
                (None, s.body(peer.M1_PEER, id=i, campaign=self.plan.campaign.id))
                for i in self.plan.county_ids
            ]
            for c in self.args.clients:
                name = f"M1-peer-{workers}"
                spec = self.spec(name, url, entries, c, self.args.duration, peer.PEER_MARKER)
                run = self.read_load(spec)
                self.measure(f"postgraphile x{workers}", "M1", c, run, srv, sampler)
        finally:
            sampler.stop()
            srv.stop()

    def write_submissions(self) -> None:
        """W1; then the forms in the database must have grown by the successes seen."""
        args = self.args
        self.say("== W1 submitSelfCheck")
        entries = sync(
            plan.submissions, self.url, self.tokens, self.plan.campaign, args.writers, args.seed
        )
        if not entries:
            self.results.checks.append(("W1", False, "no branch may submit"))
            return
        for c in args.write_clients:
            spec = self.spec("W1", self.gql, entries, c, args.write_duration, s.WRITE_MARKER)
            before = sync(count_rows, self.url, "self_check")
            run = self.write_load(spec)
            result = self.measure("ours", "W1", c, run, self.server, self.sampler)
            added = result["forms_added"] = sync(count_rows, self.url, "self_check") - before
            detail = f"{added} forms added, {result['ok']} successes seen"
            self.results.checks.append((f"W1 x{c} forms in the database", added == result["ok"],
                                        detail))  # fmt: skip
            self.say(f"  {detail}")

    def write_reviews(self) -> None:
        """W2, each pending form reviewed once; reviews in the database checked likewise."""
        args = self.args
        self.say("== W2 reviewSelfCheck")
        spare: list[plan.Entry] = []
        for c in args.write_clients:
            entries = sync(
                plan.reviews, self.url, self.tokens, self.plan.campaign, args.reviews + 2,
                args.seed + c,
            )  # fmt: skip
            if len(entries) < 3:
                self.results.checks.append(("W2", False, "no pending forms to review"))
                return
            spare, entries = entries[-2:], entries[:-2]
            spec = self.spec(
                "W2", self.gql, entries, c, args.write_duration, s.WRITE_MARKER, once=True
            )
            before = sync(count_rows, self.url, "review")
            run = self.write_load(spec)
            result = self.measure("ours", "W2", c, run, self.server, self.sampler)
            added = result["reviews_added"] = sync(count_rows, self.url, "review") - before
            detail = f"{added} reviews added, {result['ok']} successes seen"
            self.results.checks.append((f"W2 x{c} reviews in the database",
                                        added == result["ok"], detail))  # fmt: skip
            self.say(f"  {detail}")
        self.spare_reviews = spare

    def write_sql_counts(self) -> None:
        """Statements of one submission (by a branch that may submit now) and one review."""
        args, requests = self.args, []
        if "W1" in args.scenarios:
            entries = sync(
                plan.submissions, self.url, self.tokens, self.plan.campaign, 1, args.seed + 7
            )
            requests += [{"name": "W1", "warm": e, "count": e} for e in entries]
        if len(getattr(self, "spare_reviews", [])) == 2:
            warm, count = self.spare_reviews
            requests.append({"name": "W2", "warm": warm, "count": count})
        if requests:
            self.sql_counts(requests)

    def profile(self, scenario: str) -> None:
        """A separate, unmeasured run of the scenario at the most clients, under py-spy."""
        seconds, c = self.args.profile_seconds, max(self.args.clients)
        run: Any
        if scenario == "W1":
            entries = sync(
                plan.submissions,
                self.url,
                self.tokens,
                self.plan.campaign,
                self.args.writers,
                self.args.seed,
            )
            spec = self.spec("W1-profile", self.gql, entries, c, seconds, s.WRITE_MARKER)
            run = self.write_load(spec)
        else:
            reads = self.plan.reads[scenario]
            run = self.read_load(self.spec(scenario, self.gql, reads, c, seconds, s.READ_MARKER))
        stem = f"profile-{scenario.replace(' ', '_')}"
        workers = self.server.workers()
        paths = [self.out / f"{stem}-{pid}.txt" for pid in workers]
        spies = [profile.record(pid, seconds, path) for pid, path in zip(workers, paths)]  # noqa: B905
        result = run()
        for spy in spies:
            spy.wait()
        summary = profile.summarise(paths)
        (self.out / f"{stem}.txt").write_text(summary + "\n")
        self.say(f"== profile {scenario} x{c} ({result['rps']:.1f} req/s under py-spy)\n{summary}")
