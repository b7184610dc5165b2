// The browser half of dashboard/address_query.py: keeps the page's canonical query string in the address
// bar (history.replaceState: no router event, no re-render). Renders nothing.
window.ddi_components = Object.assign(window.ddi_components || {}, {
    AddressQuery: function AddressQuery(props) {
        var query = props.data;
        React.useEffect(function () {
            if (typeof query === "string" && window.location.search !== query) {
                window.history.replaceState(window.history.state, "", window.location.pathname + query);
            }
        }, [query]);
        return null;
    },
});
