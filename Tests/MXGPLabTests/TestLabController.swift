import Foundation
import MXGPLab
import MXGPTestSupport

extension LabController {
    /// A controller on a test's lab folder (`<folder>/labs`, running the test binary) whose labs
    /// are also taken down, and the folder removed, when the test process is stopped
    /// (``TestTeardown``).
    static func testing(_ folder: String, composeRoot: String = "compose") throws -> LabController {
        let controller = LabController(directory: LabDirectory(root: folder + "/labs"), binary: try TestBinary.mxgp(), composeRoot: composeRoot)
        TestTeardown.onStop {
            for lab in controller.directory.labs() { try? await controller.down(lab) }
            try? FileManager.default.removeItem(atPath: folder)
        }
        return controller
    }
}
