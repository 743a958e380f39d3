/// The realistic commands the scripted fleet runs: names, descriptions, scripts, and the logs and stack
/// traces their tasks print when they succeed or fail.
enum OutputCatalog {
    /// One command the fleet knows how to run.
    struct Command: Sendable {
        var name: String
        var description: String
        var content: String
        var username: String
        var workingDirectory: String
        var timeout: Int64
        /// Typical run time of one task.
        var runTime: ClosedRange<Duration>
        var successLog: [String]
        var failureLog: [String]
        var failureExitCodes: [Int64]
    }

    static let commands: [Command] = [
        Command(
            name: "deploy-web", description: "Roll out web frontend release",
            content: "#!/bin/bash\nset -euo pipefail\ncd /srv/web && ./deploy.sh --release \"$RELEASE\"\n",
            username: "root", workingDirectory: "/srv/web", timeout: 300, runTime: .seconds(2)...(.seconds(12)),
            successLog: [
                "fetching release v2.14.3", "npm ci --omit=dev", "migrating assets", "reloading nginx",
                "deploy finished in 8.2s",
            ],
            failureLog: [
                "fetching release v2.14.3", "npm ci --omit=dev", "running post-deploy checks",
                "Traceback (most recent call last):",
                "  File \"/srv/web/tools/healthcheck.py\", line 41, in <module>",
                "    main()",
                "  File \"/srv/web/tools/healthcheck.py\", line 33, in main",
                "    resp.raise_for_status()",
                "requests.exceptions.HTTPError: 502 Server Error: Bad Gateway for url: http://127.0.0.1:8080/healthz",
            ],
            failureExitCodes: [1, 2]),
        Command(
            name: "backup-mysql", description: "Nightly MySQL dump to COS",
            content: "#!/bin/bash\nmysqldump --single-transaction --all-databases | gzip > /backup/db.sql.gz\n",
            username: "root", workingDirectory: "/backup", timeout: 3600, runTime: .seconds(4)...(.seconds(20)),
            successLog: [
                "dumping 14 databases", "compressed 1.8 GiB -> 412 MiB", "uploaded to cos://backups/db.sql.gz",
            ],
            failureLog: [
                "dumping 14 databases",
                "mysqldump: Got error: 2013: Lost connection to MySQL server during query when dumping table `orders` at row: 1848211",
                "gzip: stdout: No space left on device", "backup.sh: line 12: upload aborted",
            ],
            failureExitCodes: [2, 3]),
        Command(
            name: "rotate-logs", description: "Force logrotate on application logs",
            content: "#!/bin/bash\nlogrotate -f /etc/logrotate.d/app\n",
            username: "root", workingDirectory: "/var/log", timeout: 60, runTime: .seconds(1)...(.seconds(4)),
            successLog: ["rotating pattern: /var/log/app/*.log forced from command line (14 rotations)", "done"],
            failureLog: [
                "error: skipping \"/var/log/app/app.log\" because parent directory has insecure permissions",
                "error: stat of /var/log/app/worker.log failed: Permission denied",
            ],
            failureExitCodes: [1]),
        Command(
            name: "restart-nginx", description: "Restart nginx after config change",
            content: "#!/bin/bash\nnginx -t && systemctl restart nginx\n",
            username: "root", workingDirectory: "/etc/nginx", timeout: 60, runTime: .seconds(1)...(.seconds(3)),
            successLog: [
                "nginx: the configuration file /etc/nginx/nginx.conf syntax is ok",
                "nginx: configuration file /etc/nginx/nginx.conf test is successful",
            ],
            failureLog: [
                "nginx: [emerg] unknown directive \"proxy_passs\" in /etc/nginx/conf.d/api.conf:17",
                "nginx: configuration file /etc/nginx/nginx.conf test failed",
            ],
            failureExitCodes: [1]),
        Command(
            name: "update-packages", description: "Apply security updates",
            content: "#!/bin/bash\napt-get update && apt-get -y upgrade\n",
            username: "root", workingDirectory: "/root", timeout: 1800, runTime: .seconds(5)...(.seconds(25)),
            successLog: [
                "Reading package lists...", "Calculating upgrade...", "12 upgraded, 0 newly installed",
                "Processing triggers for libc-bin (2.36-9+deb12u4) ...",
            ],
            failureLog: [
                "Reading package lists...",
                "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 2211 (unattended-upgr)",
                "E: Unable to acquire the dpkg frontend lock, is another process using it?",
            ],
            failureExitCodes: [100]),
        Command(
            name: "db-migrate", description: "Run schema migrations",
            content: "#!/bin/bash\ncd /srv/api && ./bin/migrate up\n",
            username: "ubuntu", workingDirectory: "/srv/api", timeout: 600, runTime: .seconds(2)...(.seconds(10)),
            successLog: ["applying 20261128_add_orders_index", "applied 1 migration in 3.1s"],
            failureLog: [
                "applying 20261128_add_orders_index",
                "panic: pq: could not create unique index \"orders_ref_key\"",
                "", "goroutine 1 [running]:", "main.applyMigration(0xc0001a2000)",
                "\t/src/cmd/migrate/main.go:88 +0x2c5", "main.main()",
                "\t/src/cmd/migrate/main.go:41 +0x1b8", "exit status 2",
            ],
            failureExitCodes: [2]),
        Command(
            name: "collect-diagnostics", description: "Gather diagnostics bundle",
            content: "#!/bin/bash\ndmesg; ss -tanp; df -h; journalctl -n 500 --no-pager\n",
            username: "root", workingDirectory: "/tmp", timeout: 120, runTime: .seconds(1)...(.seconds(6)),
            successLog: [
                "Filesystem      Size  Used Avail Use% Mounted on", "/dev/vda1        50G   31G   17G  65% /",
            ],
            failureLog: ["journalctl: Failed to open journal: Input/output error"],
            failureExitCodes: [1]),
        Command(
            name: "renew-certs", description: "Renew TLS certificates",
            content: "#!/bin/bash\ncertbot renew --quiet --deploy-hook 'systemctl reload nginx'\n",
            username: "root", workingDirectory: "/etc/letsencrypt", timeout: 300, runTime: .seconds(2)...(.seconds(8)),
            successLog: ["Cert not yet due for renewal", "No renewals were attempted."],
            failureLog: [
                "Attempting to renew cert (api.example.com) from /etc/letsencrypt/renewal/api.example.com.conf",
                "Failed to renew certificate api.example.com with error: urn:ietf:params:acme:error:rateLimited",
                "All renewals failed. The following certificates could not be renewed:",
            ],
            failureExitCodes: [1]),
    ]

    /// The log of a failure whose command is not in the catalog.
    static let genericFailure = """
        starting job
        Traceback (most recent call last):
          File "/opt/job/run.py", line 12, in <module>
            raise RuntimeError("job failed")
        RuntimeError: job failed

        """

    /// A log of `lines` followed by a newline.
    static func log(_ lines: [String]) -> String {
        lines.joined(separator: "\n") + "\n"
    }

    /// A log long enough to pass the 24 KB output limit, so `Dropped` is non-zero.
    static func hugeLog(lines: Int = 600) -> String {
        (0..<lines).map { "[diag] line \($0): net.ipv4.tcp_mem = 188760 251683 377520 kernel.sched_latency" }
            .joined(separator: "\n") + "\n"
    }
}
