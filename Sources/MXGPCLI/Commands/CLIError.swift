import ArgumentParser
import Foundation

/// An error for people: what happened and what to do. Printed to standard error; exit status 2.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }

    /// Runs `body`; a `CLIError` is printed (without a stack of prefixes) and becomes exit status 2.
    static func reporting(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as CLIError {
            printError("error: \(error.description)")
            throw ExitCode(2)
        }
    }
}

/// Prints a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
