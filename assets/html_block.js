// The browser half of dashboard/html_block.py: a div holding HTML the server built and escaped.
window.ddi_components = Object.assign(window.ddi_components || {}, {
    HtmlBlock: function HtmlBlock(props) {
        return React.createElement("div", {
            id: props.id,
            className: props.className,
            style: props.style,
            dangerouslySetInnerHTML: {__html: typeof props.children === "string" ? props.children : ""},
        });
    },
});
