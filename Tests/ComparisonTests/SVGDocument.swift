import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// An SVG parsed with Foundation's XML parser: the elements with their attributes and the text of each
/// `<text>`. Parsing fails on anything that is not well-formed XML, which is the first thing checked.
final class SVGDocument: NSObject, XMLParserDelegate {
    struct Element {
        let name: String
        let attributes: [String: String]
    }

    private(set) var elements: [Element] = []
    private(set) var texts: [String] = []
    private var currentText: String?

    /// Nil when `svg` is not well-formed.
    static func parse(_ svg: String) -> SVGDocument? {
        let document = SVGDocument()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = document
        return parser.parse() ? document : nil
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
        attributes attributeDict: [String: String] = [:]
    ) {
        elements.append(Element(name: elementName, attributes: attributeDict))
        if elementName == "text" { currentText = "" }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        currentText? += string
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        if elementName == "text", let currentText {
            texts.append(currentText)
            self.currentText = nil
        }
    }

    /// Series named by the `data-series` attribute of the chart's lines.
    var series: [String] {
        elements.filter { $0.name == "path" }.compactMap { $0.attributes["data-series"] }
    }
}
