# Shell functions of the lab nodes' entrypoints (compose backend), sourced by each
# compose/<lab>/nodes/<node>.sh; the image installs this file as
# /usr/local/lib/mxgp/entrypoint-lib.sh. The node script sets MXGP_NODE and MXGP_CONTAINER.

# claim SUBNET TEMPORARY: the interface with an address in SUBNET (Docker attached it) becomes TEMPORARY.
claim() {
    current=""
    for _ in $(seq 50); do
        current=$(ip -o -4 addr show to "$1" | { read -r _ found _ && echo "${found%%@*}"; } || true)
        [ -n "$current" ] && break
        sleep 0.2
    done
    if [ -z "$current" ]; then
        echo "mxgp-entrypoint: $MXGP_NODE: no interface has an address in $1 after 10 s; is the container attached to that link's network? (docker inspect $MXGP_CONTAINER)" >&2
        exit 1
    fi
    [ "$current" = "$2" ] && return 0
    ip link set dev "$current" down
    ip link set dev "$current" name "$2"
}

# name TEMPORARY NAME ADDRESS: renames the claimed interface to NAME, with ADDRESS/29, up.
name() {
    ip link set dev "$1" down
    ip link set dev "$1" name "$2"
    ip addr replace "$3/29" dev "$2"
    ip link set dev "$2" up
}

# chain CHAIN FROM: creates the fault chain CHAIN and the jump to it from FROM, once.
chain() {
    iptables -w -N "$1" 2>/dev/null || true
    iptables -w -C "$2" -j "$1" 2>/dev/null || iptables -w -I "$2" -j "$1"
}

# wait_for FILE...: waits (up to 60 s) until the pki service has written every FILE.
wait_for() {
    for file in "$@"; do
        for _ in $(seq 300); do
            [ -s "$file" ] && break
            sleep 0.2
        done
        if [ ! -s "$file" ]; then
            echo "mxgp-entrypoint: $MXGP_NODE: $file did not appear in 60 s; did the pki service fail? (docker logs of its container)" >&2
            exit 1
        fi
    done
}

# run_postfix SOURCE DIR: makes DIR the private Postfix instance of a node with `mta: postfix`
# from the main.cf, master.cf and transport mxgp wrote (read-only in SOURCE; the same files and
# folders the netns backend writes on the host), checks it and becomes its master, in the
# foreground. DIR survives a restart of the container: the queue with it.
run_postfix() {
    mkdir -p "$2/etc" "$2/queue" "$2/data" "$2/mail"
    cp "$1/main.cf" "$1/master.cf" "$1/transport" "$2/etc/"
    chmod 755 "$2"
    chown postfix "$2/data"
    chown 65534:65534 "$2/mail"
    rm -f "$2/queue/pid/master.pid"    # a killed master's; the node is ready once the new one writes it
    if ! postfix -c "$2/etc" check; then
        echo "mxgp-entrypoint: $MXGP_NODE: postfix -c $2/etc check failed; the end of $2/maillog:" >&2
        tail -n 5 "$2/maillog" >&2 2>/dev/null || true
        exit 1
    fi
    exec /usr/lib/postfix/sbin/master -c "$2/etc" -d
}
