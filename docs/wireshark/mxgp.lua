-- MXGP (Mail eXchange Gateway Protocol) dissector for Wireshark and tshark.
--
-- Decodes every message of docs/PROTOCOL.md: OPEN (with capabilities), UPDATE (withdrawn
-- domains, every path attribute, announced domains), NOTIFICATION, KEEPALIVE, ROUTE-REFRESH,
-- END-OF-RIB and REPORT, on TCP port 1790 (and, after "Decode As", any other port).
-- Messages split over TCP segments are reassembled; several messages in one segment are
-- all shown. With the TLS key log that `mxgp lab pcap` writes beside its capture, Wireshark
-- decrypts the TLS 1.3 sessions first and hands the plaintext to this dissector.
--
-- Install: copy this file to your personal plugins folder
--   Linux/macOS: ~/.local/lib/wireshark/plugins/  (older versions: ~/.wireshark/plugins/)
--   Windows:     %APPDATA%\Wireshark\plugins\
-- or load it for one run:  tshark -X lua_script:docs/wireshark/mxgp.lua -r capture.pcap
-- (Help > About Wireshark > Folders shows the plugin folders of your installation.)

local mxgp = Proto("mxgp", "Mail eXchange Gateway Protocol")

local msg_types = { [1] = "OPEN", [2] = "UPDATE", [3] = "NOTIFICATION", [4] = "KEEPALIVE",
                    [5] = "ROUTE-REFRESH", [6] = "END-OF-RIB", [7] = "REPORT" }
local roles = { [0] = "Provider", [3] = "Customer", [4] = "Peer" }
local node_roles = { [1] = "colo", [2] = "upstream", [3] = "tier1" }
local capabilities = { [1] = "Route refresh", [2] = "Fast liveness", [3] = "Maximum message size" }
local attr_types = { [1] = "OPERATOR_PATH", [2] = "NEXT_HOP", [3] = "PRICE", [4] = "OTC",
                     [5] = "COMMUNITIES", [6] = "REGION_POLICY", [7] = "ORIGIN_PROOF", [8] = "DRAINING",
                     [9] = "CHARGEBACK" }
local error_codes = { [1] = "Message header error", [2] = "OPEN message error", [3] = "UPDATE message error",
                      [4] = "Hold timer expired", [5] = "State machine error", [6] = "Cease",
                      [7] = "ROUTE-REFRESH error", [8] = "REPORT error" }

local f = mxgp.fields
f.marker = ProtoField.string("mxgp.marker", "Marker")
f.length = ProtoField.uint32("mxgp.length", "Length", base.DEC)
f.type = ProtoField.uint8("mxgp.type", "Type", base.DEC, msg_types)
f.version = ProtoField.uint8("mxgp.open.version", "Version", base.DEC)
f.operator = ProtoField.uint32("mxgp.open.operator", "Operator", base.DEC)
f.hold = ProtoField.uint16("mxgp.open.hold_time", "Hold time (s)", base.DEC)
f.role = ProtoField.uint8("mxgp.open.role", "Role toward receiver", base.DEC, roles)
f.node_role = ProtoField.uint8("mxgp.open.node_role", "Node role", base.DEC, node_roles)
f.region = ProtoField.string("mxgp.open.region", "Region")
f.name = ProtoField.string("mxgp.open.name", "Node name")
f.cap_code = ProtoField.uint8("mxgp.open.capability", "Capability", base.DEC, capabilities)
f.cap_value = ProtoField.bytes("mxgp.open.capability_value", "Capability value")
f.fast_liveness = ProtoField.uint16("mxgp.open.fast_liveness_ms", "Fast liveness interval (ms)", base.DEC)
f.max_size = ProtoField.uint32("mxgp.open.max_message_size", "Maximum message size", base.DEC)
f.withdrawn = ProtoField.string("mxgp.update.withdrawn", "Withdrawn domain")
f.announced = ProtoField.string("mxgp.update.announced", "Announced domain")
f.attr_flags = ProtoField.uint8("mxgp.attr.flags", "Flags", base.HEX)
f.attr_type = ProtoField.uint8("mxgp.attr.type", "Attribute", base.DEC, attr_types)
f.attr_length = ProtoField.uint16("mxgp.attr.length", "Value length", base.DEC)
f.path_operator = ProtoField.uint32("mxgp.attr.operator_path", "Operator", base.DEC)
f.next_hop = ProtoField.string("mxgp.attr.next_hop", "Next hop")
f.chargeback = ProtoField.uint32("mxgp.attr.chargeback", "Chargeback per complaint", base.DEC)
f.price = ProtoField.uint32("mxgp.attr.price", "Price", base.DEC)
f.otc = ProtoField.uint32("mxgp.attr.otc", "Only to customer of", base.DEC)
f.community = ProtoField.string("mxgp.attr.community", "Community")
f.region_policy = ProtoField.string("mxgp.attr.region_policy", "Refused region")
f.origin_region = ProtoField.string("mxgp.attr.origin_region", "Origin region")
f.registry_serial = ProtoField.uint32("mxgp.attr.registry_serial", "Registry serial", base.DEC)
f.signature = ProtoField.bytes("mxgp.attr.signature", "Signature")
f.attr_value = ProtoField.bytes("mxgp.attr.value", "Value")
f.error_code = ProtoField.uint8("mxgp.notification.code", "Error code", base.DEC, error_codes)
f.error_subcode = ProtoField.uint8("mxgp.notification.subcode", "Error subcode", base.DEC)
f.text = ProtoField.string("mxgp.notification.text", "Text")
f.message_id = ProtoField.string("mxgp.report.message_id", "Message-ID")
f.reporter = ProtoField.uint32("mxgp.report.reporter", "Reporter operator", base.DEC)
f.report_path = ProtoField.uint32("mxgp.report.path_operator", "Path operator", base.DEC)
f.reason = ProtoField.string("mxgp.report.reason", "Reason")

local HEADER = 7

-- A domain list (1-byte length, name) from offset to stop; returns the names.
local function domains(buf, tree, field, offset, stop, label)
    local names = {}
    local list = tree:add(buf(offset, stop - offset), label)
    while offset < stop do
        local n = buf(offset, 1):uint()
        if n == 0 or offset + 1 + n > stop then
            list:add_expert_info(PI_MALFORMED, PI_ERROR, "domain entry overruns its block")
            break
        end
        local name = buf(offset + 1, n):string()
        list:add(field, buf(offset + 1, n))
        names[#names + 1] = name
        offset = offset + 1 + n
    end
    list:append_text(" (" .. #names .. ")")
    return names
end

local function attribute(buf, tree, offset)
    local flags = buf(offset, 1):uint()
    local code = buf(offset + 1, 1):uint()
    local len = buf(offset + 2, 2):uint()
    local value = buf(offset + 4, len)
    local node = tree:add(buf(offset, 4 + len), attr_types[code] or ("attribute " .. code))
    node:add(f.attr_flags, buf(offset, 1))
    node:add(f.attr_type, buf(offset + 1, 1))
    node:add(f.attr_length, buf(offset + 2, 2))
    local summary = ""
    if code == 1 then
        local ops = {}
        for i = 0, len / 4 - 1 do
            node:add(f.path_operator, value(i * 4, 4))
            ops[#ops + 1] = tostring(value(i * 4, 4):uint())
        end
        summary = table.concat(ops, " ")
    elseif code == 2 and len > 0 then
        node:add(f.next_hop, value)
        summary = value:string()
    elseif code == 3 and len == 4 then
        node:add(f.price, value)
        summary = tostring(value:uint())
    elseif code == 4 and len == 4 then
        node:add(f.otc, value)
        summary = tostring(value:uint())
    elseif code == 5 then
        local tags = {}
        for i = 0, len / 12 - 1 do
            local t = value(i * 12, 4):uint() .. ":" .. value(i * 12 + 4, 4):uint() .. ":" .. value(i * 12 + 8, 4):uint()
            node:add(f.community, value(i * 12, 12), t)
            tags[#tags + 1] = t
        end
        summary = table.concat(tags, " ")
    elseif code == 6 then
        local regions = {}
        for i = 0, len / 2 - 1 do
            node:add(f.region_policy, value(i * 2, 2))
            regions[#regions + 1] = value(i * 2, 2):string()
        end
        summary = table.concat(regions, " ")
    elseif code == 7 and len >= 7 then
        node:add(f.origin_region, value(0, 2))
        node:add(f.registry_serial, value(2, 4))
        local sig = value(6, 1):uint()
        if sig > 0 and len >= 7 + sig then node:add(f.signature, value(7, sig)) end
        summary = value(0, 2):string() .. ", serial " .. value(2, 4):uint()
    elseif code == 8 then
        summary = "draining"
    elseif code == 9 and len == 4 then
        node:add(f.chargeback, value)
        summary = tostring(value:uint())
    elseif len > 0 then
        node:add(f.attr_value, value)
    end
    if summary ~= "" then node:append_text(": " .. summary) end
    return 4 + len, (attr_types[code] or tostring(code)) .. (summary ~= "" and ("=" .. summary) or "")
end

local function open(buf, tree, pinfo)
    tree:add(f.version, buf(0, 1))
    tree:add(f.operator, buf(1, 4))
    tree:add(f.hold, buf(5, 2))
    tree:add(f.role, buf(7, 1))
    tree:add(f.node_role, buf(8, 1))
    tree:add(f.region, buf(9, 2))
    local n = buf(11, 1):uint()
    tree:add(f.name, buf(12, n))
    local offset = 12 + n
    local caplen = buf(offset, 2):uint()
    offset = offset + 2
    local stop = offset + caplen
    while offset + 2 <= stop do
        local code = buf(offset, 1):uint()
        local len = buf(offset + 1, 1):uint()
        local cap = tree:add(f.cap_code, buf(offset, 1))
        if code == 2 and len == 2 then cap:add(f.fast_liveness, buf(offset + 2, 2))
        elseif code == 3 and len == 4 then cap:add(f.max_size, buf(offset + 2, 4))
        elseif len > 0 then cap:add(f.cap_value, buf(offset + 2, len)) end
        offset = offset + 2 + len
    end
    return "OPEN " .. buf(12, n):string() .. " operator " .. buf(1, 4):uint() .. " " .. (roles[buf(7, 1):uint()] or "?")
end

local function update(buf, tree)
    local size = buf:len()
    local wlen = buf(0, 4):uint()
    local withdrawn = domains(buf, tree, f.withdrawn, 4, 4 + wlen, "Withdrawn domains")
    local aoff = 4 + wlen
    local alen = buf(aoff, 4):uint()
    local attrs = tree:add(buf(aoff, 4 + alen), "Path attributes")
    local offset, stop, parts = aoff + 4, aoff + 4 + alen, {}
    while offset + 4 <= stop do
        local used, text = attribute(buf, attrs, offset)
        parts[#parts + 1] = text
        offset = offset + used
    end
    local announced = {}
    if stop < size then announced = domains(buf, tree, f.announced, stop, size, "Announced domains") end
    local info = "UPDATE"
    if #announced > 0 then info = info .. " announce " .. table.concat(announced, ",") .. " [" .. table.concat(parts, " ") .. "]" end
    if #withdrawn > 0 then info = info .. " withdraw " .. table.concat(withdrawn, ",") end
    return info
end

local function notification(buf, tree)
    tree:add(f.error_code, buf(0, 1))
    tree:add(f.error_subcode, buf(1, 1))
    local n = buf(2, 2):uint()
    if n > 0 then tree:add(f.text, buf(4, n)) end
    return "NOTIFICATION " .. buf(0, 1):uint() .. "/" .. buf(1, 1):uint() .. (n > 0 and (" " .. buf(4, n):string()) or "")
end

local function report(buf, tree)
    local n = buf(0, 2):uint()
    tree:add(f.message_id, buf(2, n))
    local offset = 2 + n
    tree:add(f.reporter, buf(offset, 4))
    local count = buf(offset + 4, 1):uint()
    offset = offset + 5
    for _ = 1, count do
        tree:add(f.report_path, buf(offset, 4))
        offset = offset + 4
    end
    local rlen = buf(offset, 2):uint()
    if rlen > 0 then tree:add(f.reason, buf(offset + 2, rlen)) end
    return "REPORT " .. buf(2, n):string()
end

-- One message at the start of buf (already complete).
local function message(buf, pinfo, root)
    local length = buf(2, 4):uint()
    local kind = buf(6, 1):uint()
    local tree = root:add(mxgp, buf(0, length))
    tree:add(f.marker, buf(0, 2))
    tree:add(f.length, buf(2, 4))
    tree:add(f.type, buf(6, 1))
    local body = length > HEADER and buf(HEADER, length - HEADER) or nil
    local info = msg_types[kind] or ("type " .. kind)
    local ok, text = pcall(function()
        if kind == 1 and body then return open(body, tree, pinfo)
        elseif kind == 2 and body then return update(body, tree)
        elseif kind == 3 and body then return notification(body, tree)
        elseif kind == 7 and body then return report(body, tree) end
        return info
    end)
    if ok then info = text else tree:add_expert_info(PI_MALFORMED, PI_ERROR, "malformed " .. info .. ": " .. tostring(text)) end
    tree:append_text(", " .. info)
    return info
end

function mxgp.dissector(buf, pinfo, root)
    local offset, infos = 0, {}
    while offset < buf:len() do
        local left = buf:len() - offset
        if left < HEADER then
            pinfo.desegment_offset = offset
            pinfo.desegment_len = DESEGMENT_ONE_MORE_SEGMENT
            break
        end
        if buf(offset, 2):uint() ~= 0x4D58 then return 0 end  -- not MXGP (or mid-stream)
        local length = buf(offset + 2, 4):uint()
        if length < HEADER then return 0 end
        if left < length then
            pinfo.desegment_offset = offset
            pinfo.desegment_len = length - left
            break
        end
        infos[#infos + 1] = message(buf(offset, length):tvb(), pinfo, root)
        offset = offset + length
    end
    if #infos > 0 then
        pinfo.cols.protocol = "MXGP"
        pinfo.cols.info = table.concat(infos, "; ")
    end
    return offset
end

DissectorTable.get("tcp.port"):add(1790, mxgp)
-- TLS 1.3 sessions on 1790: decrypted application data goes to MXGP.
local tls_port = DissectorTable.get("tls.port")
if tls_port then tls_port:add(1790, mxgp) end
