import Foundation
import MXGPProcess
import MXGPTestSupport
import Testing
@testable import MXGPLab
@testable import MXGPLabUI

#if canImport(Glibc)
import Glibc
#endif

/// The page in a real browser: headless Chromium driven by Selenium (Debian's chromium,
/// chromium-driver and python3-selenium, installed by .ci/run) against a real quickstart
/// netns lab (root). The Python driver (Browser/lab_ui_browser.py) says what it checks.
/// Screenshots of the page and of a report.html are kept in `.build/lab-ui-screens/`.
@Suite(.serialized) struct LabUIBrowserTests {
    static let python = "/usr/bin/python3"

    /// Why the test cannot run here, or nil.
    static var missing: String? {
        if geteuid() != 0 { return "needs root for network namespaces" }
        for path in ["/usr/bin/chromium", "/usr/bin/chromedriver", python, "/usr/bin/dot"] where !FileManager.default.isExecutableFile(atPath: path) {
            return "needs \(path) (apt-get install -y chromium chromium-driver python3-selenium graphviz)"
        }
        if !FileManager.default.fileExists(atPath: "/usr/lib/python3/dist-packages/selenium") { return "needs python3-selenium" }
        return nil
    }

    static let screens = TestBinary.repository.appendingPathComponent(".build/lab-ui-screens").path
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Browser/lab_ui_browser.py").path

    @Test(.enabled(if: missing == nil, Comment(rawValue: missing ?? "")))
    func thePageShowsAndBreaksARealLab() async throws {
        let name = "uit-" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let folder = NSTemporaryDirectory() + "mxgp-uitest-\(name)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let controller = LabController(directory: LabDirectory(root: folder + "/labs"), binary: try TestBinary.mxgp())
        try FileManager.default.createDirectory(atPath: Self.screens, withIntermediateDirectories: true)
        // A report.html from the fixed report, for its screenshot.
        let reportPath = Self.screens + "/report.html"
        try ReportHTML.render(ReportHTMLTests.fixture()).write(toFile: reportPath, atomically: true, encoding: .utf8)
        let lab = try await controller.up(topologyFile: LabUITestSupport.quickstart, name: name, progress: { _ in })
        var result = CommandResult(status: -1)
        do {
            _ = try await lab.waitForConvergence(timeout: .seconds(90), progress: { _ in })
            var argv = [Self.python, Self.script, "--mxgp", try TestBinary.mxgp(), "--lab", name, "--lab-dir", folder + "/labs",
                        "--screens", Self.screens, "--report-html", reportPath]
            if ProcessInfo.processInfo.environment["MXGP_UPDATE_SCREENSHOT"] == "1" {
                argv += ["--docs-screenshot", TestBinary.repository.appendingPathComponent("docs/images/lab-ui.png").path]
            }
            result = await Spawner.run(argv, timeout: .seconds(300))
        } catch {
            try? await controller.down(name)
            throw error
        }
        try await controller.down(name)
        #expect(result.succeeded, "the browser test failed (screenshots in \(Self.screens)):\n\(result.stderr)\n\(result.stdout)")
        print("lab ui browser figures: \(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))")
        for shot in ["page.png", "page-cut.png", "page-mail.png", "page-error.png", "report.png"] {
            #expect(FileManager.default.fileExists(atPath: "\(Self.screens)/\(shot)"), "\(shot) missing")
        }
        #expect(await NetnsBackend(binary: "", directory: controller.directory).namespaces(prefix: "mxgp-\(name)-").isEmpty)
    }
}
