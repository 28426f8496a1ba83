import GRDB

/// The store's tables, created and upgraded by `DatabaseMigrator`.
///
/// - `messages`: one row per accepted message still queued (`id` is the node-local
///   queue id; `message_id` the header Message-ID; `digest` SHA-256 of the normalised body).
/// - `recipients`: one row per queued recipient: state, next hop, attempts, last error, next attempt.
/// - `mailbox`: messages delivered to own-domain addresses.
/// - `dedupe`: (Message-ID, digest, recipient) already accepted, so a retry after a lost
///   250 is answered 250 without a second copy.
/// - `ledger`: per-neighbour counters and money.
/// - `complaints` (v2): Message-IDs whose spam complaint this node has booked, so a repeated
///   REPORT (or a second `complain`) never books the chargeback twice.
/// - v3: the ledger's `chargebacks_payable` and `complaints_payable`: chargebacks this node
///   owes a neighbour for complaints about mail it handed over.
enum StoreSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE messages (
                    id TEXT PRIMARY KEY NOT NULL,
                    message_id TEXT,
                    digest TEXT NOT NULL,
                    envelope_from TEXT NOT NULL,
                    data BLOB NOT NULL,
                    size INTEGER NOT NULL,
                    received_at REAL NOT NULL,
                    received_from TEXT NOT NULL,
                    hops TEXT NOT NULL
                );
                CREATE TABLE recipients (
                    queue_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
                    address TEXT NOT NULL,
                    domain TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('queued', 'delivering', 'delivered', 'bounced')),
                    next_hop TEXT,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    last_error TEXT,
                    next_attempt_at REAL NOT NULL,
                    PRIMARY KEY (queue_id, address)
                ) WITHOUT ROWID;
                CREATE INDEX recipients_due ON recipients (state, next_attempt_at);
                CREATE TABLE mailbox (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    address TEXT NOT NULL,
                    queue_id TEXT NOT NULL,
                    message_id TEXT,
                    digest TEXT NOT NULL,
                    envelope_from TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    received_at REAL NOT NULL,
                    hops TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    data BLOB NOT NULL
                );
                CREATE INDEX mailbox_address ON mailbox (address, received_at);
                CREATE TABLE dedupe (
                    message_id TEXT NOT NULL,
                    digest TEXT NOT NULL,
                    recipient TEXT NOT NULL,
                    queue_id TEXT NOT NULL,
                    first_seen REAL NOT NULL,
                    PRIMARY KEY (message_id, digest, recipient)
                ) WITHOUT ROWID;
                CREATE INDEX dedupe_first_seen ON dedupe (first_seen);
                CREATE TABLE ledger (
                    neighbour TEXT PRIMARY KEY NOT NULL,
                    messages_in INTEGER NOT NULL DEFAULT 0,
                    bytes_in INTEGER NOT NULL DEFAULT 0,
                    messages_out INTEGER NOT NULL DEFAULT 0,
                    bytes_out INTEGER NOT NULL DEFAULT 0,
                    owed INTEGER NOT NULL DEFAULT 0,
                    earned INTEGER NOT NULL DEFAULT 0,
                    chargebacks INTEGER NOT NULL DEFAULT 0,
                    complaints INTEGER NOT NULL DEFAULT 0
                );
                """)
        }
        migrator.registerMigration("v2") { db in
            try db.execute(sql: """
                CREATE TABLE complaints (
                    message_id TEXT PRIMARY KEY NOT NULL,
                    neighbour TEXT NOT NULL,
                    amount INTEGER NOT NULL,
                    booked_at REAL NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v3") { db in
            try db.execute(sql: """
                ALTER TABLE ledger ADD COLUMN chargebacks_payable INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE ledger ADD COLUMN complaints_payable INTEGER NOT NULL DEFAULT 0;
                """)
        }
        // due() walks this index in order and stops after `limit` messages, instead of
        // grouping and sorting every queued recipient on each call (quadratic in a deep queue).
        migrator.registerMigration("v4") { db in
            try db.execute(sql: """
                DROP INDEX recipients_due;
                CREATE INDEX recipients_due ON recipients (state, next_attempt_at, queue_id);
                """)
        }
        return migrator
    }

    /// Names of the tables the current schema has (for tests and diagnostics).
    static let tables = ["messages", "recipients", "mailbox", "dedupe", "ledger", "complaints"]
}
