import Foundation
import SalvoCLI

exit(await SalvoMain.run(Array(CommandLine.arguments.dropFirst())))
